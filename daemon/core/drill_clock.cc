#include "daemon/core/drill_clock.h"

#include <stdexcept>

namespace pingan::core {

DrillClock::DrillClock(const Clock& base, Instant start, double speed)
    : base_(base), base_at_start_(base.Now()), start_(start), speed_(speed) {
  if (!(speed > 0)) throw std::invalid_argument("drill clock speed must be > 0");
}

Instant DrillClock::Now() const {
  const auto real_elapsed = (base_.Now() - base_at_start_).count();
  const auto simulated = static_cast<int64_t>(static_cast<double>(real_elapsed) * speed_);
  return start_ + Millis{simulated + advanced_ms_.load(std::memory_order_relaxed)};
}

void DrillClock::Advance(Millis by) {
  if (by.count() < 0) throw std::invalid_argument("the drill clock only moves forward");
  advanced_ms_.fetch_add(by.count(), std::memory_order_relaxed);
}

}  // namespace pingan::core

// DrillClock: simulated time for rehearsals and black-box tests.
//
// Runs from a chosen start instant at `speed` times the pace of a base clock, and can
// be jumped forward by hand (never backwards: deadlines already decided stay decided).
// Pure arithmetic over the base clock, so it is testable with a fake base. Thread-safe.
#pragma once

#include <atomic>

#include "daemon/core/clock.h"

namespace pingan::core {

class DrillClock final : public Clock {
 public:
  // `base` must outlive this clock. `speed` > 0; 60 means one base minute is an hour.
  DrillClock(const Clock& base, Instant start, double speed);

  Instant Now() const override;
  // Moves simulated time forward by `by` (must be >= 0).
  void Advance(Millis by);
  double speed() const { return speed_; }

 private:
  const Clock& base_;
  const Instant base_at_start_;
  const Instant start_;
  const double speed_;
  std::atomic<int64_t> advanced_ms_{0};
};

}  // namespace pingan::core

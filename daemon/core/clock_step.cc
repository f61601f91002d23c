#include "daemon/core/clock_step.h"

#include <algorithm>

namespace pingan::core {

std::optional<ClockStep> ClockStepGuard::Observe(Instant wall, Millis monotonic) {
  const std::optional<Instant> last = last_wall_;
  const Millis last_monotonic = last_monotonic_;
  last_wall_ = wall;
  last_monotonic_ = monotonic;
  if (!last) return std::nullopt;
  const Millis expected_move = monotonic - last_monotonic;
  const Millis size = (wall - *last) - expected_move;
  if (size <= settings_.threshold && size >= -settings_.threshold) return std::nullopt;

  // Forward: hold where the clock should be now; back: where it says it is now.
  const Instant expected_wall = *last + expected_move;
  ClockStep step{.size = size,
                 .seen_at = wall,
                 .hold_at = std::min(expected_wall, wall),
                 .seen_monotonic = monotonic,
                 .ends = std::nullopt};
  if (settings_.settle) step.ends = monotonic + *settings_.settle;
  if (held_) step.hold_at = std::min(step.hold_at, held_->hold_at);
  held_ = step;
  return step;
}

std::optional<Instant> ClockStepGuard::Limit(Millis monotonic) {
  if (held_ && held_->ends && monotonic >= *held_->ends) held_.reset();
  if (!held_) return std::nullopt;
  return held_->hold_at;
}

bool ClockStepGuard::Confirm() {
  const bool was_held = held_.has_value();
  held_.reset();
  return was_held;
}

}  // namespace pingan::core

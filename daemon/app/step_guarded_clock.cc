#include "daemon/app/step_guarded_clock.h"

#include <algorithm>

namespace pingan::app {

StepGuardedClock::StepGuardedClock(const core::Clock& wall, core::ClockStepSettings settings,
                                   Monotonic monotonic, OnStep on_step)
    : wall_(wall),
      monotonic_(std::move(monotonic)),
      on_step_(std::move(on_step)),
      guard_(settings) {
  if (!monotonic_) {
    monotonic_ = [] {
      return std::chrono::duration_cast<core::Millis>(
          std::chrono::steady_clock::now().time_since_epoch());
    };
  }
}

core::Instant StepGuardedClock::Now() const {
  const core::Instant wall = wall_.Now();
  const core::Millis monotonic = monotonic_();
  std::optional<core::ClockStep> step;
  std::optional<core::Instant> limit;
  {
    std::lock_guard lock(mutex_);
    step = guard_.Observe(wall, monotonic);
    limit = guard_.Limit(monotonic);
  }
  if (step && on_step_) on_step_(*step);
  return limit ? std::min(wall, *limit) : wall;
}

std::optional<core::ClockStep> StepGuardedClock::Held() const {
  std::lock_guard lock(mutex_);
  guard_.Limit(monotonic_());  // a hold past its settle time ends here too
  return guard_.held();
}

bool StepGuardedClock::Confirm() {
  std::lock_guard lock(mutex_);
  return guard_.Confirm();
}

}  // namespace pingan::app

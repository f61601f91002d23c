// StepGuardedClock: the clock the deadline sweep reads. It passes the daemon's wall
// clock through, but each reading is also checked against a monotonic clock
// (core::ClockStepGuard): after a step larger than `monitoring.clock_step_seconds` it
// answers no later than the hold point until an operator confirms the time
// (`pinganctl clock confirm`) or the settle time has passed. So a wall clock set a day
// ahead raises a loud warning instead of a day of false "missing" alerts.
//
// Threading: Now() runs on the writer thread (inside the sweep), State() and Confirm()
// on the io thread or a pool; one mutex guards the guard. `on_step` is called, outside
// the lock, on the thread that saw the step (the caller posts it where it needs it).
#pragma once

#include <functional>
#include <mutex>
#include <optional>

#include "daemon/core/clock.h"
#include "daemon/core/clock_step.h"

namespace pingan::app {

class StepGuardedClock final : public core::Clock {
 public:
  using Monotonic = std::function<core::Millis()>;
  using OnStep = std::function<void(const core::ClockStep&)>;

  // `monotonic` defaults to std::chrono::steady_clock (tests pass their own).
  StepGuardedClock(const core::Clock& wall, core::ClockStepSettings settings,
                   Monotonic monotonic = {}, OnStep on_step = {});

  core::Instant Now() const override;
  // The step being held back, if any.
  std::optional<core::ClockStep> Held() const;
  // An operator confirmed the wall clock; false when nothing was held.
  bool Confirm();

 private:
  const core::Clock& wall_;
  Monotonic monotonic_;
  OnStep on_step_;
  mutable std::mutex mutex_;
  mutable core::ClockStepGuard guard_;
};

}  // namespace pingan::app

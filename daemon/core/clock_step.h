// ClockStepGuard: notices when the wall clock jumps, and holds deadline decisions back
// until someone has looked.
//
// Between two observations the wall clock should move as far as a monotonic clock
// does. When it moves more than `threshold` further (forward: someone set the date
// ahead, a VM resumed, NTP stepped) or less (set back), every deadline in the gap would
// otherwise be decided at once: a forward step of a day turns every school into a
// false "missing". So the guard records a step and, from then on, Limit() caps the time
// deadline decisions may reach at the wall time the clock should have shown (forward)
// or did show (back) when the step was seen. The hold ends when an operator confirms
// the new time, or, when `settle` is set, after that much monotonic time (so that an
// unattended daemon still decides the gap, late rather than never). Further steps
// while held keep the earliest hold point.
//
// Pure logic: times are arguments. Not thread-safe (the caller locks).
#pragma once

#include <optional>

#include "daemon/core/clock.h"

namespace pingan::core {

struct ClockStepSettings {
  Millis threshold = std::chrono::minutes{2};
  // Monotonic time after which a hold ends by itself; nullopt: only an operator ends it.
  std::optional<Millis> settle = std::chrono::minutes{30};
};

struct ClockStep {
  Millis size{};               // wall minus monotonic movement: > 0 forward, < 0 back
  Instant seen_at{};           // the wall time when it was seen (after the step)
  Instant hold_at{};           // deadline decisions stop here until released
  Millis seen_monotonic{};     // the monotonic time when it was seen
  std::optional<Millis> ends;  // the monotonic time the hold ends by itself
};

class ClockStepGuard {
 public:
  explicit ClockStepGuard(ClockStepSettings settings = {}) : settings_(settings) {}

  // One reading of both clocks (`monotonic` from any fixed origin). Returns the step when
  // this reading revealed a new one.
  std::optional<ClockStep> Observe(Instant wall, Millis monotonic);
  // The latest instant deadline decisions may reach, or nullopt when not held. Ends a
  // hold whose settle time has passed at `monotonic`.
  std::optional<Instant> Limit(Millis monotonic);
  // An operator confirmed the wall clock: the hold ends. False when nothing was held.
  bool Confirm();
  // The step being held, if any (as of the last Observe / Limit).
  const std::optional<ClockStep>& held() const { return held_; }

 private:
  ClockStepSettings settings_;
  std::optional<Instant> last_wall_;
  Millis last_monotonic_{};
  std::optional<ClockStep> held_;
};

}  // namespace pingan::core

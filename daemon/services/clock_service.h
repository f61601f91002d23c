// ClockService: moves the daemon's drill clock (drills only), the one typed operation
// behind the `clock.advance` control command (control_handlers.cc) and
// POST /api/v1/clock/advance (api/admin_routes.cc). Reading the clock is
// StatusService::Clock.
//
// A drill clock only moves forward: the sweep and escalation positions already passed
// the present. After a move `on_clock_moved` runs (the daemon sweeps at once and wakes
// escalation and the outbox, so that a jump past a deadline shows its alerts within
// moments). Errors are thrown as ControlError: not_drill (the daemon runs on the system
// clock), bad_request.
//
// Threading: Advance runs on a read-pool worker (DrillClock is thread-safe); it touches
// no database.
#pragma once

#include <optional>
#include <string>

#include "daemon/core/clock.h"
#include "daemon/core/drill_clock.h"
#include "daemon/services/status_service.h"

namespace pingan::services {

// Either a step forward or an instant to jump to.
struct ClockMove {
  std::optional<core::Millis> by;
  std::optional<core::Instant> to;
};
// From the texts of "by" (e.g. 2h, 1d30m) and "to" (an ISO instant such as
// 2026-10-03T16:30:00+08:00), "" for absent; bad_request when one is malformed.
ClockMove ParseClockMove(const std::string& by, const std::string& to);

// Virtual so that route tests can stand in a fake.
class ClockService {
 public:
  // Uses the context's clock, drill and on_clock_moved (StatusService's context).
  explicit ClockService(ControlContext context) : c_(std::move(context)) {}
  virtual ~ClockService() = default;

  // not_drill without a drill clock; bad_request unless exactly one of by and to is
  // given, or when the move is not forward. Answers the clock after the move.
  virtual ClockReading Advance(const ClockMove& move) const;

 private:
  ControlContext c_;
};

}  // namespace pingan::services

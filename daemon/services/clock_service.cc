#include "daemon/services/clock_service.h"

#include "daemon/core/local_time.h"
#include "daemon/services/control_server.h"
#include "daemon/services/query_support.h"

namespace pingan::services {

ClockMove ParseClockMove(const std::string& by, const std::string& to) {
  ClockMove move;
  if (!by.empty()) {
    move.by = core::ParseDuration(by);
    if (!move.by || move.by->count() <= 0) {
      throw ControlError("bad_request", "'by' must be like 2h or 1d30m");
    }
  }
  if (!to.empty()) {
    move.to = ParseInstantText(to);
    if (!move.to) {
      throw ControlError("bad_request",
                         "'to' must be an ISO instant like 2026-10-03T16:30:00+08:00");
    }
  }
  return move;
}

ClockReading ClockService::Advance(const ClockMove& move) const {
  if (c_.drill == nullptr) {
    throw ControlError("not_drill", "the clock can only be moved when pingand runs --clock drill");
  }
  if (move.by.has_value() == move.to.has_value()) {
    throw ControlError("bad_request", "give either 'by' (e.g. 2h) or 'to' (an ISO instant)");
  }
  // A jump to an instant ("the 16:30 grace end", for rehearsal scripts) is a step too.
  core::Millis by = move.by.value_or(core::Millis{0});
  if (move.to) {
    by = std::chrono::duration_cast<core::Millis>(*move.to - c_.clock.Now());
    if (by.count() <= 0) {
      throw ControlError("bad_request", "'to' " + core::FormatInstantUtc(*move.to) +
                                            " is not after the drill clock's " +
                                            core::FormatInstantUtc(c_.clock.Now()) +
                                            ": it only moves forward");
    }
  }
  c_.drill->Advance(by);
  if (c_.on_clock_moved) c_.on_clock_moved();
  return ClockReading{c_.clock.Now(), true};
}

}  // namespace pingan::services

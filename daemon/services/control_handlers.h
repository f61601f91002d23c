// The commands pinganctl sends over the control channel about the daemon itself: status,
// the drill clock, calendars, upcoming deadlines, today's ledger and the missing list.
// Thin adapters: the arguments become StatusService's and ClockService's typed queries
// (status_service.h, clock_service.h) and their answers go out through their JSON views
// (status_json.h), as the HTTP routes answer them. Handlers run on a read-pool worker
// (several at once; see docs/architecture.md, Threads).
#pragma once

#include "daemon/services/clock_service.h"
#include "daemon/services/control_server.h"
#include "daemon/services/status_service.h"

namespace pingan::services {

// status, clock.now, calendar.show, deadlines.next, ledger.today, missing. `status`
// outlives the server.
void RegisterControlHandlers(ControlServer& server, const StatusService& status);
// clock.advance {by | to} -> {now, clock}, registered as a change: answered once the
// writer ran what was posted, the sweep the move kicked included. `clock` outlives the
// server.
void RegisterClockCommand(ControlServer& server, const ClockService& clock);

}  // namespace pingan::services

// The commands pinganctl sends over the control channel about the daemon itself: status,
// the drill clock, calendars, upcoming deadlines, today's ledger and the missing list.
// Thin adapters: the arguments become StatusService's typed queries (status_service.h)
// and its answers go out through their JSON views (status_json.h), as the HTTP routes
// answer them. clock.advance (drills only) and ledger.today live here. Handlers run on a
// read-pool worker (several at once; see docs/architecture.md, Threads).
#pragma once

#include "daemon/services/control_server.h"
#include "daemon/services/status_service.h"

namespace pingan::services {

// `status` outlives the server.
void RegisterControlHandlers(ControlServer& server, const StatusService& status);

}  // namespace pingan::services

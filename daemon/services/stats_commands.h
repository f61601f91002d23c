// Control-channel command for the period statistics: a thin adapter over StatsService
// (stats_service.h), answering through its JSON view (stats_json.h), as the HTTP API
// does:
//
//   stats  {from, to, unit?, scope?, repeat_days?}  -> StatsJson
//
// Errors and threading are the service's: the handler runs on a read-pool worker.
#pragma once

#include <nlohmann/json.hpp>

#include "daemon/services/control_server.h"
#include "daemon/services/stats_service.h"

namespace pingan::services {

// The request a command's or a query's arguments ask for (repeat_days 1..366).
StatsRequest StatsRequestOf(const nlohmann::json& args);

// `service` outlives the server.
void RegisterStatsCommands(ControlServer& server, const StatsService& service);

}  // namespace pingan::services

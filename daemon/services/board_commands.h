// Control commands behind the duty console's board, thin adapters over
// OverviewService (overview_service.h; JSON in board_json.h):
//
//   board          {date?: YYYY-MM-DD (default: today in the default zone), unit?}
//                  the windows of that day with counts for the unit's subtree and per
//                  child unit, and the day's incident reports
//   board.schools  {window, requirement?, unit?, status?, limit?} the schools of one
//                  window in the unit's subtree, in tree order
//
// `unit` defaults to the root; callers scope leaders by passing their unit. Handlers
// run on read-pool workers.
#pragma once

#include <nlohmann/json.hpp>

#include "daemon/services/control_server.h"
#include "daemon/services/overview_service.h"

namespace pingan::services {

// The typed requests of the commands' arguments; ControlError bad_request when malformed.
BoardQuery BoardQueryOf(const nlohmann::json& args);
BoardSchoolsQuery BoardSchoolsQueryOf(const nlohmann::json& args);

// `overview` outlives the server.
void RegisterBoardCommands(ControlServer& server, const OverviewService& overview);

}  // namespace pingan::services

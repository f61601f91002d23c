// Control commands behind the duty console's board (the HTTP API and pinganctl share
// them; "ledger.today" stays as it was for pinganctl):
//
//   board          {date?: YYYY-MM-DD (default: today in the default zone), unit?}
//                  the windows of that day (all-clear windows covering it, monthly
//                  windows due on it) with counts for the unit's subtree and per child
//                  unit (one level of drill-down), and the day's incident reports:
//                  {date, now, unit: {id, name, kind}, incidents, windows: [{
//                   requirement_id, requirement_name, window_id, kind, covers_first,
//                   covers_last, deadline, deadline_local, deadline_local_date,
//                   grace_end, time_zone, schools, on_time, late, missing, excused,
//                   outstanding, incidents, units: [{unit_id, unit_name, unit_kind,
//                   schools, on_time, ..., incidents}]}]}
//   board.schools  {window, requirement?, unit?, status?, limit?} the schools of one
//                  window in the unit's subtree, in tree order: [{school_id,
//                  school_name, parent_id, parent_name, requirement_id, window_id,
//                  deadline, status, received_at, lateness_minutes, alert_id,
//                  alert_state}]
//
// `unit` defaults to the root; callers scope leaders by passing their unit. Incidents
// count incident reports covering the window's dates that arrived up to a week after
// them. Handlers run on read-pool workers with a leased read-only connection each.
#pragma once

#include "daemon/services/control_server.h"
#include "daemon/services/query_support.h"

namespace pingan::services {

void RegisterBoardCommands(ControlServer& server, const ConsoleQueryContext& context);

}  // namespace pingan::services

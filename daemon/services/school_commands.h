// Control commands behind the duty console's school pages:
//
//   schools      {unit?, q?, limit? (default 200)} the schools of the unit's subtree in
//                tree order; q matches a substring of the id or the name (ASCII letters
//                without regard to case): [{id, name, parent_id, parent_name, paused,
//                time_zone}]
//   school.show  {id, days? (1..366, default 30)} one school: {id, name, kind,
//                parent_id, path: [{id, name, kind}] (root .. parent), time_zone,
//                paused, pause_reason, contacts: [{role, name, phone, email}],
//                stats: {days, windows, on_time, late, missing, excused, outstanding,
//                on_time_rate (on_time / (windows - excused), null when 0)},
//                history: [{window_id, requirement_id, requirement_name, kind, covers,
//                deadline, status, received_at, lateness_minutes}] newest first,
//                open_alerts: [{id, kind, state, created_at, severity}]}
//
// History holds the windows of the last `days` days: what the ledger recorded, and the
// windows the schedule names that have no row yet (outstanding, or excused while the
// school is paused). Stats count decided windows only. Callers scope leaders (the
// school must lie in their subtree). Handlers run on a read-pool worker.
#pragma once

#include "daemon/services/control_server.h"
#include "daemon/services/query_support.h"

namespace pingan::services {

void RegisterSchoolCommands(ControlServer& server, const ConsoleQueryContext& context);

}  // namespace pingan::services

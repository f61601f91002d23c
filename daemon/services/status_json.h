// The JSON views of StatusService's typed answers (status_service.h): the one place that
// names their fields, for pinganctl (ctl/output.cc), the web console and the tests. Pure
// functions, any thread.
//
//   status    {now, now_ms, clock: "drill"|"system", reports, alerts: {open,
//             acknowledged}, outbox_pending, ingest, swept_to?, swept_to_ms?, schools?}
//   clock     {now, clock}
//   calendar  {time_zone, calendars: [{name, time_zone, scope, periods: [{name, kind,
//             tags, first, last, scope}], adjusted_working_days}], requirements:
//             [calendar_view.h's requirement + requirement_routing.h's routing]}
//   deadline  window (board_json.h) + {schools}
//   missing   {school_id, school_name, requirement_id, window_id, deadline, alert_id,
//             alert_state ("" when no alert)}
//   ledger    {date, windows: [window (board_json.h) + {schools, on_time, late, missing,
//             excused, outstanding}]}
#pragma once

#include <vector>

#include <nlohmann/json.hpp>

#include "daemon/services/status_service.h"

namespace pingan::services {

nlohmann::json ToJson(const DaemonStatus& s);
nlohmann::json ToJson(const ClockReading& c);
nlohmann::json ToJson(const CalendarOverview& c);
nlohmann::json ToJson(const std::vector<UpcomingDeadline>& deadlines);
nlohmann::json ToJson(const std::vector<MissingReport>& missing);
nlohmann::json ToJson(const LedgerDay& day);

}  // namespace pingan::services

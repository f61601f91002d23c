// The JSON views of SchoolService's typed answers (school_service.h): the one place that
// names their fields. The web console (schools.js), pinganctl and the tests read them.
// Pure functions, any thread.
//
//   school row   {id, name, parent_id, parent_name, paused, time_zone}
//   school page  {id, name, kind, parent_id, path: [unit], time_zone, paused,
//                pause_reason, contacts: [{role, name, phone, email}], stats: {days,
//                windows, on_time, late, missing, excused, outstanding, on_time_rate
//                (on_time / (windows - excused), null when 0)}, history: [{window_id,
//                requirement_id, requirement_name, kind, covers, deadline, status,
//                received_at, lateness_minutes}], open_alerts: [alert summary
//                (alert_json.h)]}
#pragma once

#include <vector>

#include <nlohmann/json.hpp>

#include "daemon/services/school_service.h"

namespace pingan::services {

nlohmann::json ToJson(const std::vector<SchoolRow>& rows);
nlohmann::json ToJson(const SchoolPage& page);

}  // namespace pingan::services

// The JSON views of the overview's typed answers (overview_service.h): the one place
// that names their fields. The web console (board.js), pinganctl (ctl/output.cc) and
// the tests read these names; keep them stable. Pure functions, any thread.
//
//   unit    {id, name, kind}
//   window  {requirement_id, requirement_name, window_id, kind, covers_first,
//            covers_last, deadline, deadline_local ("HH:MM"), deadline_local_date,
//            grace_end, time_zone}
//   board   {date, now, unit, incidents, windows: [window + counts + {units: [{unit_id,
//            unit_name, unit_kind} + counts]}]}, counts = {schools, on_time, late,
//            missing, excused, outstanding, incidents}
//   board school {school_id, school_name, parent_id, parent_name, requirement_id,
//            window_id, deadline, status, received_at, lateness_minutes, alert_id,
//            alert_state} (nulls when absent)
#pragma once

#include <vector>

#include <nlohmann/json.hpp>

#include "daemon/services/overview_service.h"

namespace pingan::services {

nlohmann::json ToJson(const UnitRef& u);
nlohmann::json ToJson(const WindowView& w);
nlohmann::json ToJson(const DayBoard& board);
nlohmann::json ToJson(const BoardSchoolRow& row);
nlohmann::json ToJson(const std::vector<BoardSchoolRow>& rows);

}  // namespace pingan::services

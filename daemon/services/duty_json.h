// The JSON views of DutyService's typed answers (duty_service.h): the one place that
// names their fields. The web console (duty pages), pinganctl (ctl/output.cc) and the
// tests read them; keep them stable. Pure functions, any thread. Local times are
// "YYYY-MM-DD HH:MM" in the roster's (or unit's) zone.
//
//   shift     {name, phone, email, from, to, from_local, to_local}; `next` has no phone
//             and email, the day's `shifts` add `now`
//   rosters   {at, escalation, rosters: [{unit_id, unit_name, time_zone, on_duty: shift
//             | null, next: shift | null, shifts: [shift], gaps: [{from, to,
//             from_local, to_local}]}]}
//   contacts  {at, school_id, units: [{unit_id, unit_name, kind, contacts: [{role, name,
//             phone, email}], on_duty: [shift]}]}
//   handover  {since, until, unit, counts: {opened, acknowledged, resolved, incidents,
//             still_open}, opened: [alert summary (alert_json.h)], acknowledged: [{id,
//             kind, school_id, school_name, by, at, comment}], resolved: [{id, kind,
//             school_id, school_name, by, at, reason, comment}], incidents: [incident
//             facts (incident_json.h), never the summary], still_open: [alert summary]}
//   gaps      {now, days, escalation, rosters, gaps: [roster_gaps.h's gap]}
#pragma once

#include <nlohmann/json.hpp>

#include "daemon/services/duty_service.h"

namespace pingan::services {

nlohmann::json ToJson(const RosterListing& listing);
nlohmann::json ToJson(const SchoolContacts& contacts);
nlohmann::json ToJson(const ShiftSummary& summary);
nlohmann::json ToJson(const GapListing& gaps);

}  // namespace pingan::services

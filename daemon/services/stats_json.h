// The JSON view of the period statistics, the same for the control socket (pinganctl
// stats --json) and the HTTP API (GET /api/v1/stats, the console's statistics page):
//
//   {from, to, time_zone, computed_at, repeat_days, unit: {id, name},
//    total: Counts, days: [{date, ...Counts}], units: [{id, name, ...Counts}],
//    repeated: [{school_id, name, district, late_days, missing_days, days, ...Counts}],
//    alerts: {missing|late|incident: Handling},
//    incidents: {...Handling, by_category: {fire: n, ...}, by_severity: {I: n, ...}}}
//   Counts   = {owed, on_time, late, missing, excused, pending, on_time_rate (0..1,
//              four places; null when nothing was decided)}
//   Handling = {raised, open, acknowledged, closed, median_ack_minutes,
//              median_close_minutes (to a tenth; null when none)}
// Incidents' `closed` counts closed cases (办结); see core/stats.h for every rule.
// Pure; safe on any thread.
#pragma once

#include <nlohmann/json.hpp>

#include "daemon/services/stats_service.h"

namespace pingan::services {

nlohmann::json StatsJson(const StatsAnswer& answer);

}  // namespace pingan::services

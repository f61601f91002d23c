#include "daemon/services/calendar_view.h"

#include "daemon/core/local_time.h"

namespace pingan::services {

using nlohmann::json;

json RequirementJson(const core::Requirement& r) {
  json out{{"id", r.id},
           {"name", r.name},
           {"kind", core::RequirementKindName(r.kind)},
           {"scope", r.scope_unit_id},
           {"disabled", r.disabled},
           {"grace", core::FormatDuration(r.grace)},
           {"raise_late_alert", r.raise_late_alert}};
  if (r.disabled || r.kind == core::RequirementKind::kIncident) return out;
  json during = json::array();
  for (core::PeriodKind k : r.during) during.push_back(core::PeriodKindName(k));
  for (const std::string& t : r.during_tags) during.push_back(t);
  out["during"] = during;
  if (r.remind_before) out["remind_before"] = core::FormatDuration(*r.remind_before);
  if (r.kind == core::RequirementKind::kMonthlySummary) {
    out["due_day"] = r.due_day;
    out["due_time"] = core::FormatTimeOfDay(r.due_time);
    out["covers"] = r.covers_previous_month ? "previous_month" : "same_month";
    return out;
  }
  json deadlines = json::array();
  for (core::TimeOfDay t : r.deadlines) deadlines.push_back(core::FormatTimeOfDay(t));
  out["deadlines"] = deadlines;
  out["days"] = core::DayFilterName(r.days);
  out["recurrence"] = r.recurrence;
  out["shift"] = core::DayShiftName(r.shift);
  out["due_day_offset"] = r.due_day_offset;
  return out;
}

}  // namespace pingan::services

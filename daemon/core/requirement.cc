#include "daemon/core/requirement.h"

#include <algorithm>

#include "daemon/core/recurrence.h"

namespace pingan::core {
namespace {

std::optional<std::string> ValidateDaily(const Requirement& r) {
  if (r.during.empty() && r.during_tags.empty()) {
    return "a daily requirement needs 'during': the period kinds or tags whose days need a "
           "report";
  }
  if (r.due_day_offset < 0 || r.due_day_offset > kMaxDueDayOffset) {
    return "due_day_offset must be 0.." + std::to_string(kMaxDueDayOffset);
  }
  if (!r.recurrence.empty()) {
    if (auto problem = CheckRecurrence(r.recurrence)) return "recurrence " + *problem;
  } else if (r.shift != DayShift::kNone) {
    return "shift needs a recurrence (the days it moves)";
  }
  if (r.deadlines.empty()) return "a daily requirement needs at least one deadline time";
  if (r.deadlines.size() > kMaxDeadlinesPerDay) return "too many deadlines per day";
  for (size_t i = 0; i < r.deadlines.size(); ++i) {
    const TimeOfDay t = r.deadlines[i];
    if (t < TimeOfDay{0} || t >= std::chrono::hours{24}) return "a deadline is not a time of day";
    if (i > 0 && t <= r.deadlines[i - 1]) return "deadline times must be ascending and distinct";
  }
  return std::nullopt;
}

std::optional<std::string> ValidateMonthly(const Requirement& r) {
  if (r.due_day < 1 || r.due_day > 31) return "due_day must be 1..31";
  if (r.due_time < TimeOfDay{0} || r.due_time >= std::chrono::hours{24}) {
    return "due_time is not a time of day";
  }
  return std::nullopt;
}

}  // namespace

std::string_view RequirementKindName(RequirementKind k) {
  switch (k) {
    case RequirementKind::kDailyAllClear:
      return "daily_all_clear";
    case RequirementKind::kMonthlySummary:
      return "monthly_summary";
    case RequirementKind::kIncident:
      return "incident";
  }
  return "unknown";
}

std::optional<RequirementKind> ParseRequirementKind(std::string_view name) {
  for (auto k : {RequirementKind::kDailyAllClear, RequirementKind::kMonthlySummary,
                 RequirementKind::kIncident}) {
    if (RequirementKindName(k) == name) return k;
  }
  return std::nullopt;
}

std::string_view DayFilterName(DayFilter f) {
  switch (f) {
    case DayFilter::kAllDays:
      return "all";
    case DayFilter::kWorkingDays:
      return "working_days";
    case DayFilter::kRestDays:
      return "rest_days";
  }
  return "unknown";
}

std::optional<DayFilter> ParseDayFilter(std::string_view name) {
  for (auto f : {DayFilter::kAllDays, DayFilter::kWorkingDays, DayFilter::kRestDays}) {
    if (DayFilterName(f) == name) return f;
  }
  return std::nullopt;
}

std::string_view DayShiftName(DayShift s) {
  switch (s) {
    case DayShift::kNone:
      return "none";
    case DayShift::kPreviousWorkingDay:
      return "previous_working_day";
    case DayShift::kNextWorkingDay:
      return "next_working_day";
  }
  return "unknown";
}

std::optional<DayShift> ParseDayShift(std::string_view name) {
  for (auto s : {DayShift::kNone, DayShift::kPreviousWorkingDay, DayShift::kNextWorkingDay}) {
    if (DayShiftName(s) == name) return s;
  }
  return std::nullopt;
}

std::optional<std::string> ValidateRequirement(const Requirement& r) {
  if (r.id.empty()) return "a requirement has an empty id";
  if (r.disabled) return std::nullopt;
  if (r.grace < Millis{0} || r.grace > kMaxGrace) return "grace must be between 0 and 31 days";
  if (r.remind_before && (*r.remind_before <= Millis{0} || *r.remind_before > kMaxReminder)) {
    return "remind_before must be more than 0 and at most 31 days";
  }
  if (r.active_from && r.active_until &&
      date::sys_days{*r.active_until} < date::sys_days{*r.active_from}) {
    return "active_until lies before active_from";
  }
  switch (r.kind) {
    case RequirementKind::kDailyAllClear:
      return ValidateDaily(r);
    case RequirementKind::kMonthlySummary:
      return ValidateMonthly(r);
    case RequirementKind::kIncident:
      return std::nullopt;
  }
  return "unknown requirement kind";
}

std::string ReportLabel(const std::vector<Requirement>& requirements, std::string_view id) {
  for (const Requirement& r : requirements) {
    if (r.id != id || r.disabled) continue;
    const bool every_day = r.kind == RequirementKind::kDailyAllClear && r.recurrence.empty();
    return every_day ? std::string() : r.name;
  }
  return {};
}

}  // namespace pingan::core

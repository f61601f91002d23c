#include "daemon/core/due_days.h"

#include <algorithm>

namespace pingan::core {

std::optional<date::sys_days> ShiftToWorkingDay(DayShift shift, const DayCalendar& cal,
                                                date::sys_days day) {
  if (shift == DayShift::kNone || cal.IsWorkingDay(day)) return day;
  const date::days step{shift == DayShift::kPreviousWorkingDay ? -1 : 1};
  for (int i = 0; i < kMaxShiftDays; ++i) {
    day += step;
    if (cal.IsWorkingDay(day)) return day;
  }
  return std::nullopt;
}

std::vector<date::sys_days> DueDays(const Requirement& r, const DayCalendar& cal,
                                    const std::vector<date::sys_days>& rule_days) {
  std::vector<date::sys_days> days = cal.DaysIn(r.during, r.during_tags);
  if (!r.recurrence.empty()) {
    std::vector<date::sys_days> named;
    for (date::sys_days d : rule_days) {
      auto moved = ShiftToWorkingDay(r.shift, cal, d);
      if (moved && std::binary_search(days.begin(), days.end(), *moved)) named.push_back(*moved);
    }
    std::sort(named.begin(), named.end());
    named.erase(std::unique(named.begin(), named.end()), named.end());
    days = std::move(named);
  }
  if (r.days == DayFilter::kAllDays) return days;
  const bool want_working = r.days == DayFilter::kWorkingDays;
  std::erase_if(days, [&](date::sys_days d) { return cal.IsWorkingDay(d) != want_working; });
  return days;
}

}  // namespace pingan::core

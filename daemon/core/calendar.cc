#include "daemon/core/calendar.h"

#include <algorithm>

namespace pingan::core {
namespace {

constexpr PeriodKind kAllKinds[] = {PeriodKind::kPublicHoliday, PeriodKind::kMajorEvent,
                                    PeriodKind::kSchoolTerm, PeriodKind::kVacation,
                                    PeriodKind::kOther};

bool Covers(const Period& p, date::sys_days day) {
  return date::sys_days{p.first} <= day && day <= date::sys_days{p.last};
}

}  // namespace

std::string_view PeriodKindName(PeriodKind kind) {
  switch (kind) {
    case PeriodKind::kPublicHoliday:
      return "public_holiday";
    case PeriodKind::kMajorEvent:
      return "major_event";
    case PeriodKind::kSchoolTerm:
      return "school_term";
    case PeriodKind::kVacation:
      return "vacation";
    case PeriodKind::kOther:
      return "other";
  }
  return "unknown";
}

std::optional<PeriodKind> ParsePeriodKind(std::string_view name) {
  for (PeriodKind k : kAllKinds) {
    if (PeriodKindName(k) == name) return k;
  }
  return std::nullopt;
}

DayCalendar::DayCalendar(std::vector<const Period*> periods,
                         std::vector<date::sys_days> working_days)
    : periods_(std::move(periods)), working_days_(std::move(working_days)) {
  std::sort(working_days_.begin(), working_days_.end());
  working_days_.erase(std::unique(working_days_.begin(), working_days_.end()), working_days_.end());
}

bool DayCalendar::IsAdjustedWorkingDay(date::sys_days day) const {
  return std::binary_search(working_days_.begin(), working_days_.end(), day);
}

bool DayCalendar::InPeriod(date::sys_days day, PeriodKind kind) const {
  if (kind == PeriodKind::kPublicHoliday && IsAdjustedWorkingDay(day)) return false;
  for (const Period* p : periods_) {
    if (p->kind == kind && Covers(*p, day)) return true;
  }
  return false;
}

bool DayCalendar::IsWorkingDay(date::sys_days day) const {
  if (IsAdjustedWorkingDay(day)) return true;
  const date::weekday wd{day};
  if (wd == date::Saturday || wd == date::Sunday) return false;
  return !InPeriod(day, PeriodKind::kPublicHoliday);
}

bool PeriodMatches(const Period& p, const std::vector<PeriodKind>& kinds,
                   const std::vector<std::string>& tags) {
  if (std::find(kinds.begin(), kinds.end(), p.kind) != kinds.end()) return true;
  return std::any_of(p.tags.begin(), p.tags.end(), [&](const std::string& t) {
    return std::find(tags.begin(), tags.end(), t) != tags.end();
  });
}

std::vector<date::sys_days> DayCalendar::DaysIn(const std::vector<PeriodKind>& kinds,
                                                const std::vector<std::string>& tags) const {
  std::vector<date::sys_days> days;
  for (const Period* p : periods_) {
    if (!PeriodMatches(*p, kinds, tags)) continue;
    for (date::sys_days d{p->first}; d <= date::sys_days{p->last}; d += date::days{1}) {
      if (p->kind == PeriodKind::kPublicHoliday && IsAdjustedWorkingDay(d)) continue;
      days.push_back(d);
    }
  }
  std::sort(days.begin(), days.end());
  days.erase(std::unique(days.begin(), days.end()), days.end());
  return days;
}

}  // namespace pingan::core

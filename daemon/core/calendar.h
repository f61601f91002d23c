// Calendar: named periods (public holidays, major events, school terms, vacations) and
// adjusted working days (调休), each scoped to a subtree of the organisation.
//
// Periods are ranges of local calendar dates; which dates a school sees is decided by
// the scopes, and the instants of its deadlines by its time zone (see schedule.h for
// how a school's zone is chosen). Plain, freely copyable values, safe to share
// read-only between threads; DayCalendar answers day questions for one school context.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <date/date.h>

namespace pingan::core {

// kOther: a period known only by its tags (an exam period, a flood season): it is none
// of the four built-in kinds, so no requirement or policy naming a kind picks it up.
enum class PeriodKind { kPublicHoliday, kMajorEvent, kSchoolTerm, kVacation, kOther };

std::string_view PeriodKindName(PeriodKind kind);  // "public_holiday", "major_event", ...
std::optional<PeriodKind> ParsePeriodKind(std::string_view name);

struct Period {
  std::string id;  // optional stable id (e.g. an iCalendar UID); may be empty
  std::string name;
  PeriodKind kind = PeriodKind::kPublicHoliday;
  date::year_month_day first{};  // inclusive
  date::year_month_day last{};   // inclusive
  // Unit whose subtree the period applies to; empty = the calendar's scope.
  std::string scope_unit_id;
  std::string source;  // where it was defined ("calendars.yaml:12"); echoed in errors
  // Free tags ("汛期", "考试", "国庆安保") that requirements' `during` and escalation
  // policies' `periods` can name as well as the kind; distinct, none a kind name. Last,
  // so that aggregate initialisations without tags stay valid.
  std::vector<std::string> tags;
};

// True when `p` is of one of `kinds` or carries one of `tags`.
bool PeriodMatches(const Period& p, const std::vector<PeriodKind>& kinds,
                   const std::vector<std::string>& tags);

// 调休: a day that is a working day although it would not be one (typically a weekend
// day before or after a public holiday). It is removed from every public-holiday period
// that covers it and counts as a working day for requirements limited to working days.
struct AdjustedWorkingDay {
  date::year_month_day day{};
  std::string name;
  std::string scope_unit_id;  // empty = the calendar's scope
  std::string source;
};

struct Calendar {
  std::string name;
  // IANA zone for the schools in this calendar's scope that set no zone on their own
  // unit or an ancestor; empty = no opinion (the deepest calendar with a zone wins).
  std::string time_zone;
  std::string scope_unit_id;  // empty = everyone
  std::vector<Period> periods;
  std::vector<AdjustedWorkingDay> working_days;
  std::string source;
};

// Longest period accepted, so that a typo ("2062" for "2026") cannot make the schedule
// enumerate decades of daily windows.
inline constexpr int kMaxPeriodDays = 731;

// Day facts for one set of periods and adjusted working days (those that apply to one
// school). Cheap to copy; safe for concurrent reads.
class DayCalendar {
 public:
  DayCalendar() = default;
  DayCalendar(std::vector<const Period*> periods, std::vector<date::sys_days> working_days);

  // True when `day` is an adjusted working day (调休).
  bool IsAdjustedWorkingDay(date::sys_days day) const;
  // True when a period of `kind` covers `day`. A public holiday does not cover its
  // adjusted working days.
  bool InPeriod(date::sys_days day, PeriodKind kind) const;
  // Monday..Friday that is no public holiday, or an adjusted working day.
  bool IsWorkingDay(date::sys_days day) const;
  // Every day covered by a period of one of `kinds` or carrying one of `tags` (after
  // removing adjusted working days from public holidays), ascending, without repeats.
  std::vector<date::sys_days> DaysIn(const std::vector<PeriodKind>& kinds,
                                     const std::vector<std::string>& tags = {}) const;

 private:
  std::vector<const Period*> periods_;
  std::vector<date::sys_days> working_days_;  // sorted
};

}  // namespace pingan::core

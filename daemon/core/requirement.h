// Requirement: a declarative rule saying what schools in a subtree must report by when.
//
//   daily all-clear  one window per qualifying local day (a day inside a period of one of
//                    the kinds or tags of `during`, named by `recurrence` when set, moved
//                    by `shift`, filtered by `days`), one per deadline time, due
//                    `due_day_offset` days after the day (0: the same day);
//   monthly summary  one window per month, due on `due_day` (or the month's last day when
//                    the month is shorter) at `due_time`;
//   incident         reported at any time: no window, nothing can be missing.
//
// Scoping and overrides: a requirement applies to the subtree of `scope_unit_id` (empty
// = everyone). A requirement with the same id at a deeper unit replaces the inherited
// one for that subtree (a full replacement, not a merge); with `disabled` it removes it.
// Plain, freely copyable values; no shared state.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <date/date.h>

#include "daemon/core/calendar.h"
#include "daemon/core/clock.h"
#include "daemon/core/escalation_policy.h"  // ReminderRoute
#include "daemon/core/local_time.h"

namespace pingan::core {

enum class RequirementKind { kDailyAllClear, kMonthlySummary, kIncident };

std::string_view RequirementKindName(RequirementKind k);  // "daily_all_clear", ...
std::optional<RequirementKind> ParseRequirementKind(std::string_view name);

// Which qualifying days of a daily requirement need a report.
enum class DayFilter {
  kAllDays,      // every day inside the periods
  kWorkingDays,  // Monday..Friday that is no public holiday, plus adjusted working days
  kRestDays,     // the others: weekends and public holidays, minus adjusted working days
};

std::string_view DayFilterName(DayFilter f);  // "all", "working_days", "rest_days"
std::optional<DayFilter> ParseDayFilter(std::string_view name);

// Where a day named by a recurrence moves when it is no working day (a weekend, a public
// holiday): "the last working day of the month", "the last working day before National
// Day". Adjusted working days (调休) count as working days.
enum class DayShift {
  kNone,                // stays (and `days` may drop it)
  kPreviousWorkingDay,  // the nearest working day before it
  kNextWorkingDay,      // the nearest working day after it
};

std::string_view DayShiftName(DayShift s);  // "none", "previous_working_day", ...
std::optional<DayShift> ParseDayShift(std::string_view name);

// Limits that keep a configuration from producing absurd schedules.
inline constexpr Millis kMaxGrace = std::chrono::hours{24 * 31};
inline constexpr Millis kMaxReminder = std::chrono::hours{24 * 31};
inline constexpr size_t kMaxDeadlinesPerDay = 24;
inline constexpr int kMaxDueDayOffset = 7;  // "due the next morning" is 1
inline constexpr int kMaxShiftDays = 31;    // a shift looks this far for a working day

struct Requirement {
  std::string id;  // stable key: ledger rows and overrides refer to it
  std::string name;
  RequirementKind kind = RequirementKind::kDailyAllClear;
  std::string scope_unit_id;  // empty = everyone
  bool disabled = false;      // removes the inherited requirement `id` for this subtree

  // Daily: the period kinds and tags whose days need a report (a day in a period of any
  // of them), and which of those days. Monthly: when both are empty, every month is due;
  // otherwise only months with at least one such day.
  std::vector<PeriodKind> during;
  std::vector<std::string> during_tags;  // free period tags ("汛期", "考试")
  DayFilter days = DayFilter::kAllDays;
  // Daily: an iCalendar RRULE naming the days due among those ("FREQ=WEEKLY;BYDAY=FR");
  // empty = every day. See recurrence.h.
  std::string recurrence;
  DayShift shift = DayShift::kNone;  // daily with a recurrence: where non-working days move
  // Daily: local deadline times, ascending and distinct (e.g. 10:00 and 16:00), on the
  // day `due_day_offset` days after the covered day (1: "by 08:00 the next morning").
  std::vector<TimeOfDay> deadlines;
  int due_day_offset = 0;
  // Monthly: day of the month (1..31) and local time. The window covers the month the
  // due day lies in ("by the 30th of each month"), or with `covers_previous_month` the
  // month before ("last month's summary by the 5th").
  unsigned due_day = 0;
  TimeOfDay due_time{0};
  bool covers_previous_month = false;

  // A report up to deadline + grace still counts as on time.
  Millis grace{0};
  // When set, a reminder goes out this long before the deadline to schools that have
  // not reported yet.
  std::optional<Millis> remind_before;
  // Who gets that reminder and how (`reminder: {before, to, fallback|all_at_once}`);
  // empty: the school's duty contacts over escalation `channels.reminders`.
  std::optional<ReminderRoute> reminder_route;
  // A report that arrives after grace end (late, 迟报) raises a `late` alert for the
  // school and window, escalated by the policies for kind `late`; off by default.
  bool raise_late_alert = false;
  // Optional bounds on the covered dates: only windows whose covered dates overlap
  // [active_from, active_until] are generated, e.g. a requirement that starts with the
  // new school year.
  std::optional<date::year_month_day> active_from;
  std::optional<date::year_month_day> active_until;

  std::string source;  // where it was defined ("calendars.yaml:40"); echoed in errors
};

// Checks what can be checked without the org tree and calendars; the problem, or
// nullopt when the requirement is well formed. Disabled requirements need only an id.
std::optional<std::string> ValidateRequirement(const Requirement& r);

// How messages call the report requirement `id` asks for: empty for a daily all-clear
// due every day (the templates' own wording, "报平安"), otherwise the requirement's name
// ("月度安全汇总", "周报"). Empty too when no requirement has that id.
std::string ReportLabel(const std::vector<Requirement>& requirements, std::string_view id);

}  // namespace pingan::core

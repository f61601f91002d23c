// Requirement: a declarative rule saying what schools in a subtree must report by when.
//
//   daily all-clear  one window per qualifying local day (a day inside a period of one of
//                    `during`, filtered by `days`), one per deadline time of that day;
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

// Limits that keep a configuration from producing absurd schedules.
inline constexpr Millis kMaxGrace = std::chrono::hours{24 * 31};
inline constexpr Millis kMaxReminder = std::chrono::hours{24 * 31};
inline constexpr size_t kMaxDeadlinesPerDay = 24;

struct Requirement {
  std::string id;  // stable key: ledger rows and overrides refer to it
  std::string name;
  RequirementKind kind = RequirementKind::kDailyAllClear;
  std::string scope_unit_id;  // empty = everyone
  bool disabled = false;      // removes the inherited requirement `id` for this subtree

  // Daily: the period kinds whose days need a report, and which of those days.
  // Monthly: when non-empty, only months with at least one such day are due.
  std::vector<PeriodKind> during;
  DayFilter days = DayFilter::kAllDays;
  // Daily: local deadline times, ascending and distinct (e.g. 10:00 and 16:00).
  std::vector<TimeOfDay> deadlines;
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
// (the templates' own wording, "报平安"), otherwise the requirement's name ("月度安全
// 汇总"). Empty too when no requirement has that id.
std::string ReportLabel(const std::vector<Requirement>& requirements, std::string_view id);

}  // namespace pingan::core

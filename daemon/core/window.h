// Window: one reporting obligation instance (a day's all-clear before 16:00, October's
// monthly summary), the same for every school of one (requirement, time zone, calendar
// context). Plain, freely copyable value; safe on any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <date/date.h>
#include <date/tz.h>

#include "daemon/core/clock.h"
#include "daemon/core/org_tree.h"
#include "daemon/core/report.h"
#include "daemon/core/requirement.h"

namespace pingan::core {

struct Window {
  std::string requirement_id;
  // Stable text key within the requirement: "2026-10-03" (daily, one deadline),
  // "2026-10-03@16:00" (several deadlines a day), "2026-10" (monthly).
  std::string window_id;
  // kAllClear (daily; an incident covering the date also satisfies it) or
  // kMonthlySummary.
  ReportKind kind = ReportKind::kAllClear;
  date::year_month_day covers_first{};  // covered dates that satisfy it (inclusive)
  date::year_month_day covers_last{};
  // opens_at: local start of the covered day (for a day's first deadline) or the
  // previous deadline of the same day (for the later ones); local start of the month for
  // monthly windows. Reports before it may still count (see AttributeReport).
  Instant opens_at{};
  Instant deadline{};
  Instant grace_end{};            // deadline + grace; a report at or before it is on time
  Instant remind_at{};            // deadline - remind_before; == deadline when there is no reminder
  std::string time_zone;          // the IANA zone its local times were computed in
  bool raise_late_alert = false;  // the requirement's: a late report raises a late alert

  friend bool operator==(const Window&, const Window&) = default;
};

inline bool HasReminder(const Window& w) {
  return w.remind_at < w.deadline;
}

// The local date of the window's deadline in its zone (UTC when the zone is unknown):
// the day a report is due, which is how people file an obligation ("the September
// summary due on 09-30", "last month's summary due on the 5th").
date::year_month_day DueDay(const Window& w);

// The day a window id says its report is owed for: the covered day of a daily window
// ("2026-10-03", "2026-10-03@16:00"), the last day of a monthly one ("2026-10": the
// month being reported on ends there). nullopt for text that is neither. Alerts carry
// only the window id; this is how their policy finds the periods of that day.
std::optional<date::year_month_day> OwedDayOf(std::string_view window_id);

// A key that differs for any two different windows, including two windows with the
// same requirement and window id whose deadlines differ (an override in a subtree, or
// another time zone). Record it when a window has been swept so that it fires once:
// "<requirement_id>|<window_id>|<time_zone>|<deadline ms>|<grace_end ms>|<remind ms>|<opens ms>".
std::string SweepKey(const Window& w);

// A window with the schools that owe it. `schools` excludes paused schools, which are
// listed in `paused` (excused) instead. Unit pointers point into the OrgTree the
// Schedule was built from.
struct DueWindow {
  Window window;
  std::vector<const Unit*> schools;
  std::vector<const Unit*> paused;
};

// The windows of daily requirement `r` for local day `day` in `zone` (one per deadline
// time, in order, due `r.due_day_offset` days after `day`); empty when the day lies
// outside r's active range.
std::vector<Window> MakeDailyWindows(const Requirement& r, const date::time_zone& zone,
                                     date::sys_days day);
// The monthly window of `r` covering month `covered` in `zone`; nullopt outside r's
// active range.
std::optional<Window> MakeMonthlyWindow(const Requirement& r, const date::time_zone& zone,
                                        date::year_month covered);

}  // namespace pingan::core

#include "daemon/core/window.h"

#include "daemon/core/local_time.h"

namespace pingan::core {
namespace {

// True when [first, last] overlaps r's active range.
bool Active(const Requirement& r, date::sys_days first, date::sys_days last) {
  if (r.active_from && last < date::sys_days{*r.active_from}) return false;
  if (r.active_until && first > date::sys_days{*r.active_until}) return false;
  return true;
}

void SetInstants(const Requirement& r, Instant deadline, Window& w) {
  w.deadline = deadline;
  w.grace_end = deadline + r.grace;
  w.remind_at = r.remind_before ? deadline - *r.remind_before : deadline;
  w.raise_late_alert = r.raise_late_alert;
}

}  // namespace

date::year_month_day DueDay(const Window& w) {
  const date::time_zone* zone = FindTimeZone(w.time_zone);
  if (zone == nullptr) return date::year_month_day{date::floor<date::days>(w.deadline)};
  return date::year_month_day{LocalDayOf(*zone, w.deadline)};
}

std::optional<date::year_month_day> OwedDayOf(std::string_view window_id) {
  const std::string_view covers = window_id.substr(0, window_id.find('@'));
  if (covers.size() == 7) {  // "YYYY-MM"
    const auto first = ParseDate(std::string(covers) + "-01");
    if (!first) return std::nullopt;
    return LastDayOf(first->year() / first->month());
  }
  return ParseDate(covers);
}

std::string SweepKey(const Window& w) {
  std::string key = w.requirement_id;
  key += '|';
  key += w.window_id;
  key += '|';
  key += w.time_zone;
  for (Instant t : {w.deadline, w.grace_end, w.remind_at, w.opens_at}) {
    key += '|';
    key += std::to_string(ToUnixMillis(t));
  }
  return key;
}

std::vector<Window> MakeDailyWindows(const Requirement& r, const date::time_zone& zone,
                                     date::sys_days day) {
  std::vector<Window> out;
  if (!Active(r, day, day)) return out;
  const date::local_days local{day.time_since_epoch()};
  const date::year_month_day ymd{day};
  const std::string date_text = FormatDate(ymd);
  Instant opens = StartOfLocalDay(zone, local);
  const date::local_days due_day = local + date::days{r.due_day_offset};
  for (TimeOfDay t : r.deadlines) {
    Window w;
    w.requirement_id = r.id;
    w.window_id = r.deadlines.size() == 1 ? date_text : date_text + "@" + FormatTimeOfDay(t);
    w.kind = ReportKind::kAllClear;
    w.covers_first = w.covers_last = ymd;
    w.opens_at = opens;
    SetInstants(r, LocalToInstant(zone, due_day, t), w);
    w.time_zone = zone.name();
    opens = w.deadline;  // the next deadline of the day opens when this one passes
    out.push_back(std::move(w));
  }
  return out;
}

std::optional<Window> MakeMonthlyWindow(const Requirement& r, const date::time_zone& zone,
                                        date::year_month covered) {
  const date::year_month_day first{covered / date::day{1}};
  const date::year_month_day last = LastDayOf(covered);
  if (!Active(r, date::sys_days{first}, date::sys_days{last})) return std::nullopt;
  const date::year_month due_month = r.covers_previous_month ? covered + date::months{1} : covered;
  const date::year_month_day due_day = DayOrLastOfMonth(due_month, r.due_day);
  Window w;
  w.requirement_id = r.id;
  w.window_id = FormatYearMonth(covered);
  w.kind = ReportKind::kMonthlySummary;
  w.covers_first = first;
  w.covers_last = last;
  w.opens_at = StartOfLocalDay(zone, date::local_days{first});
  SetInstants(r, LocalToInstant(zone, date::local_days{due_day}, r.due_time), w);
  w.time_zone = zone.name();
  return w;
}

}  // namespace pingan::core

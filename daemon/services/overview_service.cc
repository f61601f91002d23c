#include "daemon/services/overview_service.h"

#include <algorithm>
#include <set>
#include <unordered_map>

#include "daemon/core/local_time.h"
#include "daemon/store/activity_queries.h"
#include "daemon/store/alert_repository.h"
#include "daemon/store/ledger_repository.h"

namespace pingan::services {
namespace {

// Incident reports may arrive after the day they cover (an agent offline for a while);
// those that arrive within this long still count on the board.
constexpr date::days kIncidentLateness{8};

using RowsBySchool = std::unordered_map<std::string, store::LedgerRow>;
// School id -> the covered dates of its incident reports.
using IncidentDays = std::unordered_map<std::string, std::vector<date::sys_days>>;

RowsBySchool RowsOf(store::LedgerRepository& ledger, const core::Window& w) {
  RowsBySchool out;
  for (store::LedgerRow& row : ledger.ForWindow(w.requirement_id, w.window_id)) {
    std::string id = row.school_id;
    out.emplace(std::move(id), std::move(row));
  }
  return out;
}

core::BoardStatus StatusOf(const RowsBySchool& rows, const core::Unit& school, bool paused) {
  auto it = rows.find(school.id);
  return core::SchoolBoardStatus(
      it == rows.end() ? std::nullopt : std::optional(BoardStatusOf(it->second.status)), paused);
}

IncidentDays IncidentsCovering(store::Database& db, date::sys_days first, date::sys_days last) {
  IncidentDays out;
  for (const store::StoredReport& r :
       store::IncidentReportsReceived(db, first - date::days{1}, last + kIncidentLateness)) {
    const date::sys_days covers{r.report.covers};
    if (covers >= first && covers <= last) out[r.report.school_id].push_back(covers);
  }
  return out;
}

int IncidentsOf(const IncidentDays& incidents, const std::string& school, const core::Window& w) {
  auto it = incidents.find(school);
  if (it == incidents.end()) return 0;
  const date::sys_days first{w.covers_first}, last{w.covers_last};
  return static_cast<int>(std::count_if(it->second.begin(), it->second.end(),
                                        [&](date::sys_days d) { return d >= first && d <= last; }));
}

// The windows on the board of `day`: all-clear windows covering it and monthly windows
// whose deadline falls on it (local date), by deadline.
std::vector<core::DueWindow> WindowsOfDay(const config::ScheduleBundle& b,
                                          date::year_month_day day) {
  const date::sys_days d{day};
  const std::string day_text = core::FormatDate(day);
  std::vector<core::DueWindow> out;
  for (core::DueWindow& due : b.schedule.GraceEndsBetween(d - date::days{2}, d + date::days{40})) {
    const core::Window& w = due.window;
    const bool shown =
        w.kind == core::ReportKind::kAllClear
            ? date::sys_days{w.covers_first} <= d && d <= date::sys_days{w.covers_last}
            : LocalText(w.deadline, w.time_zone, "%Y-%m-%d") == day_text;
    if (shown) out.push_back(std::move(due));
  }
  std::stable_sort(out.begin(), out.end(), [](const core::DueWindow& a, const core::DueWindow& b) {
    return a.window.deadline < b.window.deadline;
  });
  return out;
}

// The window's board for the viewed unit; nullopt when nobody in view owes it.
std::optional<BoardWindow> WindowBoard(const config::ScheduleBundle& b, const std::string& viewed,
                                       const core::DueWindow& due, const RowsBySchool& rows,
                                       const IncidentDays& incidents) {
  std::vector<core::BoardSchool> schools;
  for (bool paused : {false, true}) {
    for (const core::Unit* s : paused ? due.paused : due.schools) {
      schools.push_back(
          {s->id, StatusOf(rows, *s, paused), IncidentsOf(incidents, s->id, due.window)});
    }
  }
  const core::BoardAggregate agg = core::AggregateBoard(b.tree, viewed, schools);
  if (agg.total.schools == 0) return std::nullopt;
  BoardWindow out{ViewOf(b, due.window), agg.total, {}};
  for (const core::UnitCounts& u : agg.units) {
    out.units.push_back(
        {UnitRef{u.unit->id, u.unit->name, std::string(core::UnitKindName(u.unit->kind))},
         u.counts});
  }
  return out;
}

// The windows named by (requirement, window id): one per time zone that owes it.
std::vector<core::DueWindow> FindWindow(const config::ScheduleBundle& b,
                                        const std::string& requirement,
                                        const std::string& window_id) {
  // Window ids start with the covered date ("2026-10-03", "2026-10-03@16:00") or month
  // ("2026-10"); search the grace ends that such a window can have.
  std::optional<date::year_month_day> start = core::ParseDate(window_id.substr(0, 10));
  date::days span{40};
  if (!start && window_id.size() == 7) {
    start = core::ParseDate(window_id + "-01");
    span = date::days{31 + 40};
  }
  if (!start) throw ControlError("not_found", "no window " + window_id);
  const date::sys_days d{*start};
  std::vector<core::DueWindow> out;
  std::set<std::string> requirements;
  for (core::DueWindow& due : b.schedule.GraceEndsBetween(d - date::days{2}, d + span)) {
    if (due.window.window_id != window_id) continue;
    if (!requirement.empty() && due.window.requirement_id != requirement) continue;
    requirements.insert(due.window.requirement_id);
    out.push_back(std::move(due));
  }
  if (out.empty()) throw ControlError("not_found", "no window " + window_id);
  if (requirements.size() > 1) {
    throw ControlError("bad_request",
                       "several requirements have window " + window_id + ": give requirement");
  }
  return out;
}

BoardSchoolRow BoardRowOf(const config::ScheduleBundle& b, const core::Unit& s,
                          const core::DueWindow& due, core::BoardStatus status,
                          const store::LedgerRow* row, store::AlertRepository& alerts) {
  const core::Unit* parent = b.tree.Parent(s);
  BoardSchoolRow out;
  out.school_id = s.id;
  out.school_name = s.name;
  out.parent_id = parent ? parent->id : "";
  out.parent_name = parent ? parent->name : "";
  out.requirement_id = due.window.requirement_id;
  out.window_id = due.window.window_id;
  out.deadline = due.window.deadline;
  out.status = status;
  if (row != nullptr) {
    out.received_at = row->received_at;
    if (row->received_at) out.lateness_minutes = CeilMinutes(row->lateness);
  }
  // Missing schools have a missing alert; late ones had one until their report came.
  if (status == core::BoardStatus::kMissing || status == core::BoardStatus::kLate) {
    if (auto a = alerts.FindMissing(s.id, due.window.requirement_id, due.window.window_id)) {
      out.alert_id = a->id;
      out.alert_state = a->state;
    }
  }
  return out;
}

}  // namespace

UnitRef UnitRefOf(const config::ScheduleBundle& b, const std::string& unit_id) {
  const core::Unit* u = b.tree.Find(unit_id);
  if (u == nullptr) return {};
  return {u->id, u->name, std::string(core::UnitKindName(u->kind))};
}

WindowView ViewOf(const config::ScheduleBundle& b, const core::Window& w) {
  return {w, RequirementName(b, w.requirement_id)};
}

date::year_month_day ParseDayText(const std::string& text) {
  auto d = core::ParseDate(text);
  if (!d) throw ControlError("bad_request", "date must be YYYY-MM-DD");
  return *d;
}

core::BoardStatus ParseStatusText(const std::string& text) {
  auto s = core::ParseBoardStatus(text);
  if (!s) {
    throw ControlError("bad_request",
                       "status must be on_time, late, missing, excused or outstanding");
  }
  return *s;
}

DayBoard OverviewService::Board(const BoardQuery& q) const {
  config::SharedSchedule b = RequireSchedule(c_);
  const core::Instant now = c_.clock.Now();
  const date::year_month_day day = q.date ? *q.date : TodayIn(*b, now);
  const std::string viewed = ViewedUnitId(*b, q.unit);
  auto db = c_.reads.Acquire();
  const std::vector<core::DueWindow> windows =
      WithExemptions(WindowsOfDay(*b, day), db.db(), b->tree);
  date::sys_days first{day}, last{day};
  for (const core::DueWindow& due : windows) {
    first = std::min(first, date::sys_days{due.window.covers_first});
    last = std::max(last, date::sys_days{due.window.covers_last});
  }
  store::LedgerRepository ledger(db);
  const IncidentDays incidents = IncidentsCovering(db.db(), first, last);
  DayBoard out{day, now, UnitRefOf(*b, viewed), 0, {}};
  for (const core::DueWindow& due : windows) {
    if (auto w = WindowBoard(*b, viewed, due, RowsOf(ledger, due.window), incidents)) {
      out.windows.push_back(std::move(*w));
    }
  }
  for (const auto& [school, days] : incidents) {
    if (!InView(*b, viewed, school)) continue;
    out.incidents += static_cast<int>(std::count(days.begin(), days.end(), date::sys_days{day}));
  }
  return out;
}

std::vector<BoardSchoolRow> OverviewService::BoardSchools(const BoardSchoolsQuery& q) const {
  config::SharedSchedule b = RequireSchedule(c_);
  if (q.window.empty()) throw ControlError("bad_request", "'window' is required");
  const std::string viewed = ViewedUnitId(*b, q.unit);
  auto db = c_.reads.Acquire();
  const auto windows = WithExemptions(FindWindow(*b, q.requirement, q.window), db.db(), b->tree);
  store::LedgerRepository ledger(db);
  store::AlertRepository alerts(db);
  const RowsBySchool rows = RowsOf(ledger, windows.front().window);
  std::vector<BoardSchoolRow> out;
  for (const core::DueWindow& due : windows) {
    for (bool paused : {false, true}) {
      for (const core::Unit* s : paused ? due.paused : due.schools) {
        if (static_cast<int>(out.size()) >= q.limit) return out;
        if (!InView(*b, viewed, s->id)) continue;
        const core::BoardStatus status = StatusOf(rows, *s, paused);
        if (q.status && status != *q.status) continue;
        auto it = rows.find(s->id);
        out.push_back(
            BoardRowOf(*b, *s, due, status, it == rows.end() ? nullptr : &it->second, alerts));
      }
    }
  }
  return out;
}

}  // namespace pingan::services

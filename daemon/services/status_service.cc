#include "daemon/services/status_service.h"

#include <algorithm>

#include "daemon/jobs/deadline_sweep.h"
#include "daemon/services/query_support.h"
#include "daemon/store/alert_repository.h"
#include "daemon/store/database.h"
#include "daemon/store/ledger_repository.h"
#include "daemon/store/outbox_repository.h"
#include "daemon/store/report_repository.h"

namespace pingan::services {
namespace {

// Whether something scoped to `scope` ("" = everywhere) concerns the subtree of `unit`
// ("" = everything): it applies there (scope at or above the unit) or to part of it.
bool Concerns(const config::ScheduleBundle& b, const std::string& unit, const std::string& scope) {
  return unit.empty() || scope.empty() || b.tree.IsInSubtree(unit, scope) ||
         b.tree.IsInSubtree(scope, unit);
}

}  // namespace

ClockReading StatusService::Clock() const {
  return {c_.clock.Now(), c_.drill != nullptr};
}

DaemonStatus StatusService::Status() const {
  auto db = c_.reads.Acquire();
  store::AlertRepository alerts(db);
  DaemonStatus out;
  out.clock = Clock();
  out.reports = store::ReportRepository(db, core::Millis{0}).Count();
  out.open_alerts = alerts.CountByState(core::AlertState::kOpen);
  out.acknowledged_alerts = alerts.CountByState(core::AlertState::kAcknowledged);
  out.outbox_pending = store::OutboxRepository(db).Count(core::OutboxStatus::kPending);
  if (c_.ingest_stats) out.ingest = c_.ingest_stats();
  if (auto position = store::LedgerRepository(db).GetState(jobs::kSweepPositionKey)) {
    out.swept_to = core::FromUnixMillis(std::stoll(*position));
  }
  if (config::SharedSchedule b = c_.schedules.Get()) {
    const auto& units = b->tree.units();
    out.schools = std::count_if(units.begin(), units.end(), [](const core::Unit& u) {
      return u.kind == core::UnitKind::kSchool;
    });
  }
  return out;
}

CalendarOverview StatusService::Calendar(const std::string& unit) const {
  config::SharedSchedule b = RequireSchedule(c_.schedules);
  if (!unit.empty() && b->tree.Find(unit) == nullptr) {
    throw ControlError("not_found", "no unit " + unit);
  }
  CalendarOverview out{b->time_zone, {}, {}, c_.escalation.Get()};
  for (const core::Calendar& cal : b->calendars) {
    if (!Concerns(*b, unit, cal.scope_unit_id)) continue;
    core::Calendar& kept = out.calendars.emplace_back(cal);
    std::erase_if(kept.periods,
                  [&](const core::Period& p) { return !Concerns(*b, unit, p.scope_unit_id); });
  }
  for (const core::Requirement& r : b->requirements) {
    if (Concerns(*b, unit, r.scope_unit_id)) out.requirements.push_back(r);
  }
  return out;
}

std::vector<UpcomingDeadline> StatusService::NextDeadlines(const DeadlinesQuery& q) const {
  config::SharedSchedule b = RequireSchedule(c_.schedules);
  // Only that subtree's schools are counted, and windows that none of them owes are left
  // out (a leader's view).
  const std::string unit = ViewedUnitId(*b, q.unit);
  std::vector<UpcomingDeadline> out;
  for (const core::Schedule::Upcoming& u : b->schedule.UpcomingDeadlinesFor(
           c_.clock.Now(), static_cast<size_t>(q.limit),
           [&](const core::Unit& s) { return InView(*b, unit, s.id); })) {
    out.push_back({ViewOf(*b, u.window), static_cast<int64_t>(u.schools)});
  }
  return out;
}

std::vector<MissingReport> StatusService::Missing(int limit) const {
  auto db = c_.reads.Acquire();
  store::LedgerRepository ledger(db);
  store::AlertRepository alerts(db);
  const config::SharedSchedule b = c_.schedules.Get();
  std::vector<MissingReport> out;
  for (const store::LedgerRow& row : ledger.WithStatus(store::LedgerRowStatus::kMissing, limit)) {
    auto alert = alerts.FindMissing(row.school_id, row.requirement_id, row.window_id);
    out.push_back({row.school_id, UnitName(b.get(), row.school_id), row.requirement_id,
                   row.window_id, row.deadline, alert ? alert->id : "",
                   alert ? std::optional(alert->state) : std::nullopt});
  }
  return out;
}

LedgerDay StatusService::Ledger(std::optional<date::year_month_day> day) const {
  config::SharedSchedule b = RequireSchedule(c_.schedules);
  const core::Instant now = c_.clock.Now();
  LedgerDay out{day.value_or(TodayIn(*b, now)), {}};
  const date::sys_days d{out.day};
  // Windows covering the day end within a few days of it, in any zone.
  const core::Instant from = d - date::days{2};
  const core::Instant to = d + date::days{40};
  auto db = c_.reads.Acquire();
  store::LedgerRepository ledger(db);
  for (const core::DueWindow& due :
       WithExemptions(b->schedule.GraceEndsBetween(from, to), db.db(), b->tree)) {
    const core::Window& w = due.window;
    if (date::sys_days{w.covers_first} > d || date::sys_days{w.covers_last} < d) continue;
    if (w.kind != core::ReportKind::kAllClear) continue;
    auto counts = ledger.CountByStatus(w.requirement_id, w.window_id);
    LedgerWindow item{ViewOf(*b, w),
                      static_cast<int64_t>(due.schools.size()),
                      counts[store::LedgerRowStatus::kOnTime],
                      counts[store::LedgerRowStatus::kLate],
                      counts[store::LedgerRowStatus::kMissing],
                      static_cast<int64_t>(due.paused.size()),
                      0};
    if (now <= w.grace_end)
      item.outstanding = item.schools - item.on_time - item.late - item.missing;
    out.windows.push_back(std::move(item));
  }
  return out;
}

}  // namespace pingan::services

#include "daemon/services/stats_service.h"

#include "daemon/core/local_time.h"
#include "daemon/services/control_server.h"
#include "daemon/services/period_windows.h"
#include "daemon/store/period_queries.h"

namespace pingan::services {
namespace {

date::year_month_day DateArg(const std::string& text, const char* key) {
  if (text.empty()) throw ControlError("bad_request", std::string("'") + key + "' is required");
  auto day = core::ParseDate(text);
  if (!day) throw ControlError("bad_request", std::string("'") + key + "' must be YYYY-MM-DD");
  return *day;
}

core::LedgerStatus StatusOf(store::LedgerRowStatus s) {
  switch (s) {
    case store::LedgerRowStatus::kOnTime:
      return core::LedgerStatus::kOnTime;
    case store::LedgerRowStatus::kLate:
      return core::LedgerStatus::kLate;
    case store::LedgerRowStatus::kMissing:
      return core::LedgerStatus::kMissing;
    case store::LedgerRowStatus::kExcused:
      return core::LedgerStatus::kExcused;
  }
  return core::LedgerStatus::kMissing;
}

std::vector<core::StatsEntry> Entries(const config::ScheduleBundle& bundle, store::Database& db,
                                      const PeriodRequest& period) {
  PeriodWindows windows(bundle, db, period);
  const std::string too_large = "more than " + std::to_string(kMaxStatsEntries) +
                                " school-windows: ask for a shorter period or one unit";
  if (auto e = windows.Collect(kMaxStatsEntries, too_large))
    throw ControlError(e->code, e->message);
  std::vector<core::StatsEntry> out;
  out.reserve(windows.expected());
  windows.Visit([&out](const PeriodEntry& e) {
    core::StatsEntry s{core::DueDay(e.window), e.school_id, std::nullopt, e.excused,
                       e.window.grace_end};
    if (e.row) s.recorded = StatusOf(e.row->status);
    out.push_back(std::move(s));
  });
  return out;
}

std::vector<core::StatsAlert> Alerts(store::Database& db, const date::time_zone& zone,
                                     const StatsAnswer& a) {
  const core::Instant from = core::StartOfLocalDay(zone, date::local_days{a.from});
  const core::Instant to = core::StartOfLocalDay(zone, date::local_days{a.to} + date::days{1});
  std::vector<core::StatsAlert> out;
  for (store::RaisedAlert& r : store::AlertsRaisedBetween(db, from, to)) {
    out.push_back({r.kind, std::move(r.school_id), r.created_at, r.acknowledged_at, r.resolved_at,
                   r.category, r.severity, r.case_closed_at});
  }
  return out;
}

}  // namespace

StatsAnswer ComputeStatsFor(const config::ScheduleBundle& bundle, store::Database& db,
                            const StatsRequest& request, core::Instant now) {
  StatsAnswer a;
  a.from = DateArg(request.from, "from");
  a.to = DateArg(request.to, "to");
  if (request.repeat_days < 1 || request.repeat_days > kMaxStatsDays) {
    throw ControlError("bad_request", "'repeat_days' must be 1.." + std::to_string(kMaxStatsDays));
  }
  const PeriodRequest period{a.from, a.to, request.unit, request.scope};
  if (auto e = CheckPeriod(bundle.tree, period, kMaxStatsDays)) {
    throw ControlError(e->code, e->message);
  }
  a.unit_id = request.unit.empty() ? request.scope : request.unit;
  if (const core::Unit* u = bundle.tree.Find(a.unit_id)) a.unit_name = u->name;
  a.repeat_days = request.repeat_days;
  a.computed_at = now;
  a.time_zone = bundle.schedule.default_time_zone();
  const date::time_zone* zone = core::FindTimeZone(a.time_zone);
  if (zone == nullptr) zone = core::FindTimeZone(core::kDefaultTimeZone);
  const core::StatsOptions options{a.from, a.to, a.unit_id, a.repeat_days};
  a.stats = core::ComputeStats(bundle.tree, options, Entries(bundle, db, period),
                               Alerts(db, *zone, a), now);
  return a;
}

StatsAnswer StatsService::Compute(const StatsRequest& request) const {
  config::SharedSchedule bundle = c_.schedules.Get();
  if (!bundle) throw ControlError("no_schedule", "no organisation and calendars are configured");
  auto db = c_.reads.Acquire();
  return ComputeStatsFor(*bundle, db.db(), request, c_.clock.Now());
}

}  // namespace pingan::services

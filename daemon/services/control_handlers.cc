#include "daemon/services/control_handlers.h"

#include <algorithm>

#include "daemon/core/local_time.h"
#include "daemon/jobs/deadline_sweep.h"
#include "daemon/services/calendar_view.h"
#include "daemon/services/query_support.h"
#include "daemon/services/requirement_routing.h"
#include "daemon/store/alert_repository.h"
#include "daemon/store/database.h"
#include "daemon/store/ledger_repository.h"
#include "daemon/store/outbox_repository.h"
#include "daemon/store/report_repository.h"

namespace pingan::services {
namespace {

using nlohmann::json;

json WindowJson(const core::Window& w) {
  return json{{"requirement_id", w.requirement_id},
              {"window_id", w.window_id},
              {"kind", core::ReportKindName(w.kind)},
              {"covers_first", core::FormatDate(w.covers_first)},
              {"covers_last", core::FormatDate(w.covers_last)},
              {"deadline", core::FormatInstantUtc(w.deadline)},
              {"grace_end", core::FormatInstantUtc(w.grace_end)},
              {"time_zone", w.time_zone}};
}

config::SharedSchedule RequireSchedule(const ControlContext& c) {
  config::SharedSchedule bundle = c.schedules.Get();
  if (!bundle) {
    throw ControlError("no_schedule", "no organisation and calendars are configured");
  }
  return bundle;
}

// The local date `args.date` (YYYY-MM-DD), or today in the default zone.
date::year_month_day DayArg(const json& args, const ControlContext& c,
                            const config::ScheduleBundle& b) {
  if (args.contains("date")) {
    auto d = core::ParseDate(args["date"].get<std::string>());
    if (!d) throw ControlError("bad_request", "date must be YYYY-MM-DD");
    return *d;
  }
  const date::time_zone* zone = core::FindTimeZone(b.schedule.default_time_zone());
  return date::year_month_day{
      date::sys_days{core::LocalDayOf(*zone, c.clock.Now()).time_since_epoch()}};
}

json Status(const ControlContext& c) {
  auto db = c.reads.Acquire();
  store::AlertRepository alerts(db);
  store::OutboxRepository outbox(db);
  const core::Instant now = c.clock.Now();
  json out{{"now", core::FormatInstantUtc(now)},
           {"now_ms", core::ToUnixMillis(now)},
           {"clock", c.drill ? "drill" : "system"},
           {"reports", store::ReportRepository(db, core::Millis{0}).Count()},
           {"alerts",
            {{"open", alerts.CountByState(core::AlertState::kOpen)},
             {"acknowledged", alerts.CountByState(core::AlertState::kAcknowledged)}}},
           {"outbox_pending", outbox.Count(core::OutboxStatus::kPending)},
           {"ingest", c.ingest_stats ? c.ingest_stats() : json::object()}};
  if (auto position = store::LedgerRepository(db).GetState(jobs::kSweepPositionKey)) {
    const core::Instant swept_to = core::FromUnixMillis(std::stoll(*position));
    out["swept_to"] = core::FormatInstantUtc(swept_to);
    out["swept_to_ms"] = core::ToUnixMillis(swept_to);
  }
  if (config::SharedSchedule b = c.schedules.Get()) {
    const auto& units = b->tree.units();
    out["schools"] = std::count_if(units.begin(), units.end(), [](const core::Unit& u) {
      return u.kind == core::UnitKind::kSchool;
    });
  }
  return out;
}

json ClockAdvance(const ControlContext& c, const json& args) {
  if (c.drill == nullptr) {
    throw ControlError("not_drill", "the clock can only be moved when pingand runs --clock drill");
  }
  // Either a step ("by": 2h) or a time to jump to ("to": an absolute instant, for
  // scripts that rehearse "the 16:30 grace end"). A drill clock only moves forward:
  // the sweep and escalation positions already passed the present.
  const std::string by_text = TextArg(args, "by");
  const std::string to_text = TextArg(args, "to");
  if (by_text.empty() == to_text.empty()) {
    throw ControlError("bad_request", "give either 'by' (e.g. 2h) or 'to' (an ISO instant)");
  }
  std::optional<core::Millis> by;
  if (!by_text.empty()) {
    by = core::ParseDuration(by_text);
    if (!by || by->count() <= 0) throw ControlError("bad_request", "'by' must be like 2h or 1d30m");
  } else {
    const auto to = ParseInstantText(to_text);
    if (!to) {
      throw ControlError("bad_request",
                         "'to' must be an ISO instant like 2026-10-03T16:30:00+08:00");
    }
    by = std::chrono::duration_cast<core::Millis>(*to - c.clock.Now());
    if (by->count() <= 0) {
      throw ControlError("bad_request", "'to' " + to_text + " is not after the drill clock's " +
                                            core::FormatInstantUtc(c.clock.Now()) +
                                            ": it only moves forward");
    }
  }
  c.drill->Advance(*by);
  if (c.on_clock_moved) c.on_clock_moved();
  return json{{"now", core::FormatInstantUtc(c.clock.Now())}};
}

// Whether something scoped to `scope` ("" = everywhere) concerns the subtree of `unit`
// ("" = everything): it applies there (scope at or above the unit) or to part of it.
bool Concerns(const config::ScheduleBundle& b, const std::string& unit, const std::string& scope) {
  return unit.empty() || scope.empty() || b.tree.IsInSubtree(unit, scope) ||
         b.tree.IsInSubtree(scope, unit);
}

json CalendarShow(const ControlContext& c, const json& args) {
  config::SharedSchedule b = RequireSchedule(c);
  // args.unit: only what concerns that subtree (a leader's view); nothing of siblings.
  const std::string unit = TextArg(args, "unit");
  if (!unit.empty() && b->tree.Find(unit) == nullptr) {
    throw ControlError("not_found", "no unit " + unit);
  }
  json calendars = json::array();
  for (const core::Calendar& cal : b->calendars) {
    if (!Concerns(*b, unit, cal.scope_unit_id)) continue;
    json periods = json::array();
    for (const core::Period& p : cal.periods) {
      if (!Concerns(*b, unit, p.scope_unit_id)) continue;
      periods.push_back({{"name", p.name},
                         {"kind", core::PeriodKindName(p.kind)},
                         {"tags", p.tags},
                         {"first", core::FormatDate(p.first)},
                         {"last", core::FormatDate(p.last)},
                         {"scope", p.scope_unit_id}});
    }
    json working = json::array();
    for (const auto& d : cal.working_days) working.push_back(core::FormatDate(d.day));
    calendars.push_back({{"name", cal.name},
                         {"time_zone", cal.time_zone},
                         {"scope", cal.scope_unit_id},
                         {"periods", periods},
                         {"adjusted_working_days", working}});
  }
  json requirements = json::array();
  const config::SharedEscalation escalation = c.escalation.Get();
  for (const core::Requirement& r : b->requirements) {
    if (!Concerns(*b, unit, r.scope_unit_id)) continue;
    json item = RequirementJson(r);
    item.update(RequirementRouting(r, escalation.get()));
    requirements.push_back(std::move(item));
  }
  return json{{"time_zone", b->time_zone},
              {"calendars", calendars},
              {"requirements", requirements},
              {"leaders", LeaderRouting(escalation.get())}};
}

json DeadlinesNext(const ControlContext& c, const json& args) {
  config::SharedSchedule b = RequireSchedule(c);
  // args.unit (default: everything): only that subtree's schools are counted, and
  // windows that none of them owes are left out (a leader's view).
  const std::string unit = ViewedUnitId(*b, args);
  const auto limit = static_cast<size_t>(IntArg(args, "limit", 10, 1, 10000));
  json out = json::array();
  for (const core::Schedule::Upcoming& u : b->schedule.UpcomingDeadlinesFor(
           c.clock.Now(), limit, [&](const core::Unit& s) { return InView(*b, unit, s.id); })) {
    json item = WindowJson(u.window);
    item["schools"] = u.schools;
    out.push_back(item);
  }
  return out;
}

json LedgerToday(const ControlContext& c, const json& args) {
  config::SharedSchedule b = RequireSchedule(c);
  const date::year_month_day day = DayArg(args, c, *b);
  const date::sys_days d{day};
  // Windows covering the day end within a few days of it, in any zone.
  const core::Instant from = d - date::days{2};
  const core::Instant to = d + date::days{40};
  auto db = c.reads.Acquire();
  store::LedgerRepository ledger(db);
  const core::Instant now = c.clock.Now();
  json windows = json::array();
  for (const core::DueWindow& due :
       WithExemptions(b->schedule.GraceEndsBetween(from, to), db.db(), b->tree)) {
    const core::Window& w = due.window;
    if (date::sys_days{w.covers_first} > d || date::sys_days{w.covers_last} < d) continue;
    if (w.kind != core::ReportKind::kAllClear) continue;
    auto counts = ledger.CountByStatus(w.requirement_id, w.window_id);
    json item = WindowJson(w);
    const int schools = static_cast<int>(due.schools.size());
    const int on_time = counts[store::LedgerRowStatus::kOnTime];
    const int late = counts[store::LedgerRowStatus::kLate];
    const int missing = counts[store::LedgerRowStatus::kMissing];
    item["schools"] = schools;
    item["on_time"] = on_time;
    item["late"] = late;
    item["missing"] = missing;
    item["excused"] = due.paused.size();
    item["outstanding"] = now <= w.grace_end ? schools - on_time - late - missing : 0;
    windows.push_back(item);
  }
  return json{{"date", core::FormatDate(day)}, {"windows", windows}};
}

json Missing(const ControlContext& c, const json& args) {
  auto db = c.reads.Acquire();
  store::LedgerRepository ledger(db);
  store::AlertRepository alerts(db);
  config::SharedSchedule b = c.schedules.Get();
  json out = json::array();
  for (const store::LedgerRow& row :
       ledger.WithStatus(store::LedgerRowStatus::kMissing, IntArg(args, "limit", 200, 1, 10000))) {
    auto alert = alerts.FindMissing(row.school_id, row.requirement_id, row.window_id);
    const core::Unit* unit = b ? b->tree.Find(row.school_id) : nullptr;
    out.push_back({{"school_id", row.school_id},
                   {"school_name", unit ? unit->name : ""},
                   {"requirement_id", row.requirement_id},
                   {"window_id", row.window_id},
                   {"deadline", core::FormatInstantUtc(row.deadline)},
                   {"alert_id", alert ? alert->id : ""},
                   {"alert_state", alert ? core::AlertStateName(alert->state) : ""}});
  }
  return out;
}

}  // namespace

void RegisterControlHandlers(ControlServer& server, const ControlContext& context) {
  // The context is copied into each handler; its references outlive the server.
  server.Register("status", [context](const json&) { return Status(context); });
  server.Register("clock.now", [context](const json&) {
    return json{{"now", core::FormatInstantUtc(context.clock.Now())},
                {"clock", context.drill ? "drill" : "system"}};
  });
  server.Register("clock.advance",
                  [context](const json& args) { return ClockAdvance(context, args); });
  server.Register("calendar.show",
                  [context](const json& args) { return CalendarShow(context, args); });
  server.Register("deadlines.next",
                  [context](const json& args) { return DeadlinesNext(context, args); });
  server.Register("ledger.today",
                  [context](const json& args) { return LedgerToday(context, args); });
  server.Register("missing", [context](const json& args) { return Missing(context, args); });
}

}  // namespace pingan::services

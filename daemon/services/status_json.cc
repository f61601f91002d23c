#include "daemon/services/status_json.h"

#include "daemon/core/local_time.h"
#include "daemon/services/board_json.h"
#include "daemon/services/calendar_view.h"
#include "daemon/services/requirement_routing.h"

namespace pingan::services {
namespace {

using nlohmann::json;

json PeriodJson(const core::Period& p) {
  return json{{"name", p.name},
              {"kind", core::PeriodKindName(p.kind)},
              {"tags", p.tags},
              {"first", core::FormatDate(p.first)},
              {"last", core::FormatDate(p.last)},
              {"scope", p.scope_unit_id}};
}

json CalendarJson(const core::Calendar& cal) {
  json periods = json::array();
  for (const core::Period& p : cal.periods) periods.push_back(PeriodJson(p));
  json working = json::array();
  for (const auto& d : cal.working_days) working.push_back(core::FormatDate(d.day));
  return json{{"name", cal.name},
              {"time_zone", cal.time_zone},
              {"scope", cal.scope_unit_id},
              {"periods", periods},
              {"adjusted_working_days", working}};
}

}  // namespace

json ToJson(const ClockReading& c) {
  return json{{"now", core::FormatInstantUtc(c.now)}, {"clock", c.drill ? "drill" : "system"}};
}

json ToJson(const DaemonStatus& s) {
  json out = ToJson(s.clock);
  out["now_ms"] = core::ToUnixMillis(s.clock.now);
  out["reports"] = s.reports;
  out["alerts"] = {{"open", s.open_alerts}, {"acknowledged", s.acknowledged_alerts}};
  out["outbox_pending"] = s.outbox_pending;
  out["ingest"] = s.ingest;
  if (s.swept_to) {
    out["swept_to"] = core::FormatInstantUtc(*s.swept_to);
    out["swept_to_ms"] = core::ToUnixMillis(*s.swept_to);
  }
  if (s.schools) out["schools"] = *s.schools;
  return out;
}

json ToJson(const CalendarOverview& c) {
  json calendars = json::array();
  for (const core::Calendar& cal : c.calendars) calendars.push_back(CalendarJson(cal));
  json requirements = json::array();
  for (const core::Requirement& r : c.requirements) {
    json item = RequirementJson(r);
    item.update(RequirementRouting(r, c.escalation.get()));
    requirements.push_back(std::move(item));
  }
  return json{{"time_zone", c.time_zone},
              {"calendars", calendars},
              {"requirements", requirements},
              {"leaders", LeaderRouting(c.escalation.get())}};
}

json ToJson(const std::vector<UpcomingDeadline>& deadlines) {
  json out = json::array();
  for (const UpcomingDeadline& d : deadlines) {
    json item = ToJson(d.window);
    item["schools"] = d.schools;
    out.push_back(std::move(item));
  }
  return out;
}

json ToJson(const std::vector<MissingReport>& missing) {
  json out = json::array();
  for (const MissingReport& m : missing) {
    out.push_back({{"school_id", m.school_id},
                   {"school_name", m.school_name},
                   {"requirement_id", m.requirement_id},
                   {"window_id", m.window_id},
                   {"deadline", core::FormatInstantUtc(m.deadline)},
                   {"alert_id", m.alert_id},
                   {"alert_state", m.alert_state ? core::AlertStateName(*m.alert_state) : ""}});
  }
  return out;
}

json ToJson(const LedgerDay& day) {
  json windows = json::array();
  for (const LedgerWindow& w : day.windows) {
    json item = ToJson(w.window);
    item["schools"] = w.schools;
    item["on_time"] = w.on_time;
    item["late"] = w.late;
    item["missing"] = w.missing;
    item["excused"] = w.excused;
    item["outstanding"] = w.outstanding;
    windows.push_back(std::move(item));
  }
  return json{{"date", core::FormatDate(day.day)}, {"windows", windows}};
}

}  // namespace pingan::services

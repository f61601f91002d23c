#include "daemon/services/stats_json.h"

#include "daemon/core/local_time.h"
#include "daemon/services/stats_tables.h"

namespace pingan::services {
namespace {

using nlohmann::json;

json Maybe(std::optional<double> v) {
  return v ? json(*v) : json();
}

json Counts(const core::LedgerCounts& c, json out = json::object()) {
  out["owed"] = c.expected + c.on_time + c.late + c.missing + c.excused;
  out["on_time"] = c.on_time;
  out["late"] = c.late;
  out["missing"] = c.missing;
  out["excused"] = c.excused;
  out["pending"] = c.expected;
  out["on_time_rate"] = Maybe(RoundedRate(c));
  return out;
}

json Handling(const core::AlertStats& s, json out = json::object()) {
  out["raised"] = s.raised;
  out["open"] = s.open;
  out["acknowledged"] = s.to_acknowledge.count;
  out["closed"] = s.to_close.count;
  out["median_ack_minutes"] = Maybe(MedianMinutes(s.to_acknowledge));
  out["median_close_minutes"] = Maybe(MedianMinutes(s.to_close));
  return out;
}

}  // namespace

json StatsJson(const StatsAnswer& a) {
  const core::PeriodStats& s = a.stats;
  json days = json::array();
  for (const core::DayStats& d : s.days)
    days.push_back(Counts(d.counts, {{"date", core::FormatDate(d.day)}}));
  json units = json::array();
  for (const core::UnitStats& u : s.units)
    units.push_back(Counts(u.counts, {{"id", u.unit_id}, {"name", u.name}}));
  json repeated = json::array();
  for (const core::RepeatedSchool& r : s.repeated) {
    repeated.push_back(Counts(r.counts, {{"school_id", r.school_id},
                                         {"name", r.name},
                                         {"district", r.district},
                                         {"late_days", r.late_days},
                                         {"missing_days", r.missing_days},
                                         {"days", r.days}}));
  }
  json alerts = json::object();
  for (const auto& [kind, h] : s.alerts)
    alerts[std::string(core::AlertKindName(kind))] = Handling(h);
  json incidents = Handling(s.incidents.handling);
  incidents["by_category"] = json::object();
  for (const auto& [c, n] : s.incidents.by_category)
    incidents["by_category"][std::string(core::IncidentCategoryName(c))] = n;
  incidents["by_severity"] = json::object();
  for (const auto& [v, n] : s.incidents.by_severity)
    incidents["by_severity"][std::string(core::SeverityName(v))] = n;
  return json{
      {"from", core::FormatDate(a.from)}, {"to", core::FormatDate(a.to)},
      {"time_zone", a.time_zone},         {"computed_at", core::FormatInstantUtc(a.computed_at)},
      {"repeat_days", a.repeat_days},     {"unit", {{"id", a.unit_id}, {"name", a.unit_name}}},
      {"total", Counts(s.total)},         {"days", std::move(days)},
      {"units", std::move(units)},        {"repeated", std::move(repeated)},
      {"alerts", std::move(alerts)},      {"incidents", std::move(incidents)}};
}

}  // namespace pingan::services

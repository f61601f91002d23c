#include "daemon/services/stats_tables.h"

#include <cmath>

#include "daemon/core/local_time.h"

namespace pingan::services {
namespace {

StatsCell Text(std::string t) {
  return StatsCell{std::move(t), std::nullopt, false};
}
StatsCell Number(double n) {
  return StatsCell{"", n, false};
}
StatsCell NumberCell(std::optional<double> n, bool rate = false) {
  return StatsCell{"", n, rate};
}

const std::vector<StatsColumn>& CountColumns() {
  static const std::vector<StatsColumn> columns{
      {"owed", "应报"},    {"on_time", "按时"}, {"late", "迟报"},          {"missing", "漏报"},
      {"excused", "免报"}, {"pending", "待报"}, {"on_time_rate", "按时率"}};
  return columns;
}

void AppendCounts(std::vector<StatsCell>& row, const core::LedgerCounts& c) {
  const size_t owed = c.expected + c.on_time + c.late + c.missing + c.excused;
  for (size_t n : {owed, c.on_time, c.late, c.missing, c.excused, c.expected}) {
    row.push_back(Number(static_cast<double>(n)));
  }
  row.push_back(NumberCell(RoundedRate(c), true));
}

StatsTable Counted(std::string key, std::string title, std::vector<StatsColumn> leading) {
  StatsTable t{std::move(key), std::move(title), std::move(leading), {}};
  for (const StatsColumn& c : CountColumns()) t.columns.push_back(c);
  return t;
}

StatsTable Summary(const StatsAnswer& a) {
  StatsTable t = Counted(
      "summary", "汇总",
      {{"from", "起始日期"}, {"to", "截止日期"}, {"unit_id", "单位代码"}, {"unit_name", "单位"}});
  std::vector<StatsCell> row{Text(core::FormatDate(a.from)), Text(core::FormatDate(a.to)),
                             Text(a.unit_id), Text(a.unit_name.empty() ? "全部单位" : a.unit_name)};
  AppendCounts(row, a.stats.total);
  t.rows.push_back(std::move(row));
  return t;
}

StatsTable Days(const StatsAnswer& a) {
  StatsTable t = Counted("days", "按日", {{"date", "日期"}});
  for (const core::DayStats& d : a.stats.days) {
    std::vector<StatsCell> row{Text(core::FormatDate(d.day))};
    AppendCounts(row, d.counts);
    t.rows.push_back(std::move(row));
  }
  return t;
}

StatsTable Units(const StatsAnswer& a) {
  StatsTable t = Counted("units", "按单位", {{"unit_id", "单位代码"}, {"unit_name", "单位"}});
  for (const core::UnitStats& u : a.stats.units) {
    std::vector<StatsCell> row{Text(u.unit_id),
                               Text(u.unit_id.empty() ? "（已不在名单）" : u.name)};
    AppendCounts(row, u.counts);
    t.rows.push_back(std::move(row));
  }
  return t;
}

StatsTable Repeated(const StatsAnswer& a) {
  StatsTable t = Counted("repeated", "多次迟报漏报",
                         {{"school_id", "学校代码"},
                          {"school_name", "学校"},
                          {"district", "所属区县"},
                          {"late_days", "迟报天数"},
                          {"missing_days", "漏报天数"},
                          {"days", "迟报或漏报天数"}});
  for (const core::RepeatedSchool& s : a.stats.repeated) {
    std::vector<StatsCell> row{Text(s.school_id),   Text(s.name),           Text(s.district),
                               Number(s.late_days), Number(s.missing_days), Number(s.days)};
    AppendCounts(row, s.counts);
    t.rows.push_back(std::move(row));
  }
  return t;
}

std::vector<StatsCell> HandlingRow(std::string key, const core::AlertStats& s) {
  return {Text(std::move(key)),
          Number(static_cast<double>(s.raised)),
          Number(static_cast<double>(s.open)),
          Number(static_cast<double>(s.to_acknowledge.count)),
          Number(static_cast<double>(s.to_close.count)),
          NumberCell(MedianMinutes(s.to_acknowledge)),
          NumberCell(MedianMinutes(s.to_close))};
}

StatsTable Alerts(const StatsAnswer& a) {
  StatsTable t{"alerts",
               "告警处置",
               {{"kind", "类型"},
                {"raised", "产生"},
                {"open", "未办结"},
                {"acknowledged", "已确认"},
                {"closed", "已办结"},
                {"median_ack_minutes", "确认用时中位数（分钟）"},
                {"median_close_minutes", "办结用时中位数（分钟）"}},
               {}};
  for (const auto& [kind, s] : a.stats.alerts) {
    t.rows.push_back(HandlingRow(std::string(core::AlertKindName(kind)), s));
  }
  // Incidents once more with their cases: closed when the case was (办结).
  t.rows.push_back(HandlingRow("incident_case", a.stats.incidents.handling));
  return t;
}

StatsTable Incidents(const StatsAnswer& a) {
  StatsTable t{
      "incidents", "突发事件", {{"by", "分类"}, {"value", "类别或级别"}, {"count", "起数"}}, {}};
  for (const auto& [category, n] : a.stats.incidents.by_category) {
    t.rows.push_back({Text("category"), Text(std::string(core::IncidentCategoryName(category))),
                      Number(static_cast<double>(n))});
  }
  for (const auto& [severity, n] : a.stats.incidents.by_severity) {
    t.rows.push_back({Text("severity"), Text(std::string(core::SeverityName(severity))),
                      Number(static_cast<double>(n))});
  }
  return t;
}

}  // namespace

std::optional<double> MedianMinutes(const core::DurationStats& d) {
  if (!d.median) return std::nullopt;
  return std::round(static_cast<double>(d.median->count()) / 6'000.0) / 10.0;
}

std::optional<double> RoundedRate(const core::LedgerCounts& c) {
  const auto rate = c.OnTimeRate();
  if (!rate) return std::nullopt;
  return std::round(*rate * 10'000.0) / 10'000.0;
}

std::vector<StatsTable> StatsTables(const StatsAnswer& answer) {
  return {Summary(answer),  Days(answer),   Units(answer),
          Repeated(answer), Alerts(answer), Incidents(answer)};
}

}  // namespace pingan::services

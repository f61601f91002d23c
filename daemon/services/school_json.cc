#include "daemon/services/school_json.h"

#include "daemon/core/local_time.h"
#include "daemon/services/alert_json.h"
#include "daemon/services/board_json.h"

namespace pingan::services {
namespace {

using nlohmann::json;

json HistoryJson(const SchoolHistoryItem& h) {
  return json{{"window_id", h.window_id},
              {"requirement_id", h.requirement_id},
              {"requirement_name", h.requirement_name},
              {"kind", h.kind},
              // Window ids begin with what they cover: "2026-10-03", "2026-10-03@16:00".
              {"covers", h.window_id.substr(0, h.window_id.find('@'))},
              {"deadline", core::FormatInstantUtc(h.deadline)},
              {"status", core::BoardStatusName(h.status)},
              {"received_at", TimeOrNull(h.received_at)},
              {"lateness_minutes", h.lateness ? json(CeilMinutes(*h.lateness)) : json()}};
}

json StatsJson(int days, const core::ReportingStats& s) {
  return json{{"days", days},
              {"windows", s.windows},
              {"on_time", s.on_time},
              {"late", s.late},
              {"missing", s.missing},
              {"excused", s.excused},
              {"outstanding", s.outstanding},
              {"on_time_rate", s.on_time_rate ? json(*s.on_time_rate) : json()}};
}

}  // namespace

json ToJson(const std::vector<SchoolRow>& rows) {
  json out = json::array();
  for (const SchoolRow& s : rows) {
    out.push_back({{"id", s.id},
                   {"name", s.name},
                   {"parent_id", s.parent_id},
                   {"parent_name", s.parent_name},
                   {"paused", s.paused},
                   {"time_zone", s.time_zone}});
  }
  return out;
}

json ToJson(const SchoolPage& page) {
  const core::Unit& school = page.school;
  json path = json::array();
  for (const UnitRef& u : page.path) path.push_back(ToJson(u));
  json history = json::array();
  for (const SchoolHistoryItem& h : page.history) history.push_back(HistoryJson(h));
  return json{{"id", school.id},
              {"name", school.name},
              {"kind", core::UnitKindName(school.kind)},
              {"parent_id", school.parent_id},
              {"path", path},
              {"time_zone", page.time_zone},
              {"paused", school.paused},
              {"pause_reason", school.paused_reason},
              {"contacts", ContactsJson(school.contacts)},
              {"stats", StatsJson(page.days, page.stats)},
              {"history", history},
              {"open_alerts", AlertListJson(page.open_alerts, page.names.get())}};
}

}  // namespace pingan::services

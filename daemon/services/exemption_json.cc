#include "daemon/services/exemption_json.h"

#include "daemon/core/local_time.h"
#include "daemon/services/query_support.h"

namespace pingan::services {
namespace {

using nlohmann::json;

const char* StateOf(const core::Exemption& e, const config::ScheduleBundle* names,
                    core::Instant now) {
  if (e.withdrawn()) return "withdrawn";
  const date::time_zone* zone = core::FindTimeZone(names ? names->time_zone : "Asia/Shanghai");
  if (zone == nullptr) zone = date::locate_zone("UTC");
  if (core::InForceOn(e, *zone, now)) return "in_force";
  const date::sys_days today{core::LocalDayOf(*zone, now).time_since_epoch()};
  return today < date::sys_days{e.first} ? "ahead" : "past";
}

}  // namespace

json ExemptionJson(const core::Exemption& e, const config::ScheduleBundle* names,
                   core::Instant now) {
  json requirements = json::array();
  for (const std::string& id : e.requirement_ids) {
    requirements.push_back({{"id", id}, {"name", names ? RequirementName(*names, id) : id}});
  }
  return {{"id", e.id},
          {"from", core::FormatDate(e.first)},
          {"to", core::FormatDate(e.last)},
          {"scope", {{"id", e.scope_unit_id}, {"name", UnitName(names, e.scope_unit_id)}}},
          {"requirements", std::move(requirements)},
          {"reason", e.reason},
          {"created_by", e.created_by},
          {"created_at", core::FormatInstantUtc(e.created_at)},
          {"withdrawn_by", e.withdrawn_by},
          {"withdrawn_at", TimeOrNull(e.withdrawn_at)},
          {"state", StateOf(e, names, now)}};
}

json ExemptionListJson(const std::vector<core::Exemption>& list,
                       const config::ScheduleBundle* names, core::Instant now) {
  json out = json::array();
  for (const core::Exemption& e : list) out.push_back(ExemptionJson(e, names, now));
  return out;
}

}  // namespace pingan::services

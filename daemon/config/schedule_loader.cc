#include "daemon/config/schedule_loader.h"

#include <spdlog/spdlog.h>

#include "daemon/config/calendar_loader.h"
#include "daemon/config/org_loader.h"
#include "daemon/config/school_import.h"

namespace pingan::config {

std::variant<SharedSchedule, std::string> LoadSchedule(const DaemonConfig& config) {
  if (config.org_file.empty() && config.schools_csv.empty()) {
    spdlog::warn(
        "no organisation configured (org.file / org.csv): reports are stored, but "
        "no school owes any and nothing can be missing");
    return SharedSchedule{};
  }
  std::vector<OrgUnits> parts;
  if (!config.org_file.empty()) {
    auto units = LoadOrgUnitsYaml(config.ConfigPath(config.org_file));
    if (auto* err = std::get_if<LoadError>(&units)) return err->ToString();
    parts.push_back(std::get<OrgUnits>(std::move(units)));
  }
  if (!config.schools_csv.empty()) {
    auto units = ImportOrgCsv(config.ConfigPath(config.schools_csv));
    if (auto* err = std::get_if<LoadError>(&units)) return err->ToString();
    parts.push_back(std::get<OrgUnits>(std::move(units)));
  }
  // Schools imported while running (pinganctl schools import) replace configured ones.
  if (auto err = OverlayImportedSchools(config.DataPath(kImportedSchoolsFile), parts)) {
    return err->ToString();
  }
  auto tree = BuildOrgTree(std::move(parts));
  if (auto* err = std::get_if<LoadError>(&tree)) return err->ToString();

  CalendarConfig calendars;
  if (!config.calendars_file.empty()) {
    auto loaded = LoadCalendarConfigYaml(config.ConfigPath(config.calendars_file));
    if (auto* err = std::get_if<LoadError>(&loaded)) return err->ToString();
    calendars = std::get<CalendarConfig>(std::move(loaded));
  } else {
    spdlog::warn("no calendars configured (calendars.file): no school owes any report");
  }
  auto bundle =
      MakeScheduleBundle(std::get<core::OrgTree>(std::move(tree)), std::move(calendars.calendars),
                         std::move(calendars.requirements), config.time_zone);
  if (auto* err = std::get_if<core::ScheduleError>(&bundle)) return err->ToString();
  SharedSchedule schedule = std::get<SharedSchedule>(std::move(bundle));
  spdlog::info("schedule: {} units, {} calendars, {} requirements, {} school groups",
               schedule->tree.units().size(), schedule->calendars.size(),
               schedule->requirements.size(), schedule->schedule.group_count());
  return schedule;
}

}  // namespace pingan::config

// LoadSchedule: reads the organisation tree (YAML and/or CSV) and the calendars and
// requirements (YAML, plus iCalendar holiday files) that the config names, and builds
// the schedule. Returns nullptr when no organisation is configured (the daemon then
// stores reports but expects none), or an error text naming file and line.
#pragma once

#include <string>
#include <variant>

#include "daemon/config/config.h"
#include "daemon/config/schedule_bundle.h"

namespace pingan::config {

std::variant<SharedSchedule, std::string> LoadSchedule(const DaemonConfig& config);

}  // namespace pingan::config

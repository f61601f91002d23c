// Calendars and reporting requirements from YAML (see
// daemon/config/examples/calendars.example.yaml, where every key is explained), with
// optional iCalendar imports inside a calendar entry. Errors name file, line and key;
// unknown keys are errors. What needs the org tree (do scope units exist?) is checked by
// core::Schedule::Build, whose errors carry each item's `source` ("file:line").
//
// Plain functions; they read files and keep no state. Safe on any thread.
#pragma once

#include <string>
#include <variant>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "daemon/config/load_error.h"
#include "daemon/core/calendar.h"
#include "daemon/core/requirement.h"

namespace pingan::config {

struct CalendarConfig {
  std::vector<core::Calendar> calendars;
  std::vector<core::Requirement> requirements;
};

// The `calendars:` list. `base_dir` resolves relative `ics.file` paths.
std::variant<std::vector<core::Calendar>, LoadError> LoadCalendarsYaml(const YAML::Node& calendars,
                                                                       const std::string& file,
                                                                       const std::string& base_dir);
// The `requirements:` list.
std::variant<std::vector<core::Requirement>, LoadError> LoadRequirementsYaml(
    const YAML::Node& requirements, const std::string& file);

// A file whose top level has `calendars:` and/or `requirements:`.
std::variant<CalendarConfig, LoadError> LoadCalendarConfigYaml(const std::string& path);
std::variant<CalendarConfig, LoadError> ParseCalendarConfigYaml(const std::string& text,
                                                                const std::string& file,
                                                                const std::string& base_dir);
// Only one of the two lists from such a file.
std::variant<std::vector<core::Calendar>, LoadError> LoadCalendarsYaml(const std::string& path);
std::variant<std::vector<core::Requirement>, LoadError> LoadRequirementsYaml(
    const std::string& path);

}  // namespace pingan::config

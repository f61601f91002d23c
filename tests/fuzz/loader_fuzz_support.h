// What the loader fuzz targets share (on top of fuzz_support.h): the check that a
// refusal is a clear LoadError (it names the input and says what is wrong), and a small
// fixed organisation for the formats that are read against one (rosters, school import,
// escalation). Header-only; links pingan_config.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>

#include "daemon/config/load_error.h"
#include "daemon/config/org_loader.h"
#include "daemon/core/calendar.h"
#include "daemon/core/org_tree.h"
#include "daemon/core/roster.h"
#include "tests/fuzz/fuzz_support.h"

namespace pingan::fuzz {

inline std::string AsText(const uint8_t* data, size_t size) {
  return std::string(reinterpret_cast<const char*>(data), size);
}

// A refusal names the file it was given (or, with `file` empty, some file: an error in
// a file that one imports names that one) and says what is wrong.
inline void RequireClearError(const config::LoadError& error, const std::string& file) {
  Require(!error.message.empty());
  Require(file.empty() ? !error.file.empty() : error.file == file);
  Require(error.line >= 0 && error.column >= 0);
}

// Two cities, districts and schools in Asia/Shanghai (ids as in the example files).
inline const core::OrgTree& SampleTree() {
  static const core::OrgTree tree = [] {
    auto units = config::ParseOrgCsv(
        "id,name,kind,parent,time_zone,duty_name,duty_phone\n"
        "gd,广东省教育厅,province,,Asia/Shanghai,值班室,020-0000-0002\n"
        "gd-sz,深圳市教育局,city,gd,,,\n"
        "gd-sz-ft,福田区教育局,district,gd-sz,,安稳办,0755-0000-0004\n"
        "gd-sz-ns,南山区教育局,district,gd-sz,,,\n"
        "gd-sz-ft-001,福田区第一小学,school,gd-sz-ft,,总务处,0755-0000-0006\n"
        "gd-sz-ns-001,南山区第一小学,school,gd-sz-ns,Asia/Urumqi,,\n",
        "sample.csv");
    Require(std::holds_alternative<config::OrgUnits>(units));
    auto tree = config::BuildOrgTree({std::get<config::OrgUnits>(std::move(units))});
    Require(std::holds_alternative<core::OrgTree>(tree));
    return std::get<core::OrgTree>(std::move(tree));
  }();
  return tree;
}

// An accepted calendar's days are real dates, each period within kMaxPeriodDays.
inline void RequireWellFormedCalendar(const core::Calendar& calendar) {
  for (const core::Period& period : calendar.periods) {
    Require(period.first.ok() && period.last.ok() && period.first <= period.last);
    Require(date::sys_days{period.last} - date::sys_days{period.first} <
            date::days{core::kMaxPeriodDays});
  }
  for (const core::AdjustedWorkingDay& day : calendar.working_days) Require(day.day.ok());
}

// Accepted rosters are for units of the tree, and every shift has a name, an address
// and an end after its start; the first shift's officer is on duty as it starts.
inline void RequireWellFormedRosters(const core::Rosters& rosters, const core::OrgTree& tree) {
  for (const auto& [unit_id, roster] : rosters) {
    Require(unit_id == roster.unit_id() && tree.Find(unit_id) != nullptr);
    Require(roster.shifts().size() == roster.intervals().size());
    for (const core::Shift& shift : roster.shifts()) {
      Require(shift.start < shift.end && !shift.person.name.empty());
      Require(!shift.person.phone.empty() || !shift.person.email.empty());
    }
    for (const core::Roster::Interval& interval : roster.intervals()) {
      Require(interval.start < interval.end);
    }
    if (!roster.intervals().empty()) {
      Require(!roster.OnDutyAt(roster.intervals().front().start).empty());
    }
  }
}

}  // namespace pingan::fuzz

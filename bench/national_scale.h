// National-scale test world shared by the sweep benchmarks: 520,000 schools (1
// province, 20 cities, 400 districts, 1,300 schools each), a 7-day National Day holiday
// and a daily all-clear due at 16:00 with 30 minutes' grace.
#pragma once

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "daemon/core/org_tree.h"
#include "daemon/core/schedule.h"

namespace pingan::bench {

using date::literals::operator""_y;
namespace core = pingan::core;

constexpr int kCities = 20;
constexpr int kDistrictsPerCity = 20;
constexpr int kSchoolsPerDistrict = 1300;
constexpr size_t kSchools = size_t{kCities} * kDistrictsPerCity * kSchoolsPerDistrict;

inline std::string Id(const char* prefix, int n) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%s%07d", prefix, n);
  return buf;
}

inline core::OrgTree MakeTree() {
  std::vector<core::Unit> units;
  units.reserve(kSchools + 500);
  auto add = [&](std::string id, core::UnitKind kind, std::string parent) {
    core::Unit u;
    u.id = std::move(id);
    u.name = u.id;
    u.kind = kind;
    u.parent_id = std::move(parent);
    units.push_back(std::move(u));
  };
  add("p", core::UnitKind::kProvince, "");
  int district = 0, school = 0;
  for (int c = 0; c < kCities; ++c) {
    const std::string city = Id("c", c);
    add(city, core::UnitKind::kCity, "p");
    for (int d = 0; d < kDistrictsPerCity; ++d, ++district) {
      const std::string dist = Id("d", district);
      add(dist, core::UnitKind::kDistrict, city);
      for (int s = 0; s < kSchoolsPerDistrict; ++s)
        add(Id("s", school++), core::UnitKind::kSchool, dist);
    }
  }
  return std::get<core::OrgTree>(core::OrgTree::Build(std::move(units)));
}

inline std::vector<core::Calendar> Calendars() {
  core::Calendar c;
  c.name = "national-day";
  core::Period p;
  p.name = "国庆节";
  p.kind = core::PeriodKind::kPublicHoliday;
  p.first = 2026_y / 10 / 1;
  p.last = 2026_y / 10 / 7;
  c.periods.push_back(p);
  return {c};
}

inline std::vector<core::Requirement> Requirements() {
  core::Requirement r;
  r.id = "holiday-daily";
  r.kind = core::RequirementKind::kDailyAllClear;
  r.during = {core::PeriodKind::kPublicHoliday};
  r.deadlines = {std::chrono::hours{16}};
  r.grace = std::chrono::minutes{30};
  return {r};
}

inline core::Schedule BuildSchedule(const core::OrgTree& tree) {
  return std::get<core::Schedule>(
      core::Schedule::Build(tree, Calendars(), Requirements(), "Asia/Shanghai"));
}

// A memory figure of this process from /proc/self/status ("VmHWM:", "VmRSS:"), in MiB.
inline double StatusMb(const std::string& field) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(field, 0) == 0) return std::stod(line.substr(field.size())) / 1024.0;  // kB
  }
  return 0;
}

inline double PeakRssMb() {
  return StatusMb("VmHWM:");
}

}  // namespace pingan::bench

// Shared helpers for the calendar / schedule / ledger tests: a small org tree spanning
// three time zones, and terse constructors for periods and requirements.
#pragma once

#include <chrono>
#include <string>
#include <variant>
#include <vector>

#include <gtest/gtest.h>

#include "daemon/core/calendar.h"
#include "daemon/core/org_tree.h"
#include "daemon/core/requirement.h"
#include "daemon/core/schedule.h"

namespace pingan::testing {

using core::Instant;
using date::days;
using std::chrono::hours;
using std::chrono::minutes;

// An instant given directly in UTC, so that expectations never go through the code
// under test: Utc(2026_y/10/3, 8) is 2026-10-03T08:00Z.
inline Instant Utc(date::year_month_day d, int h, int m = 0) {
  return Instant{date::sys_days{d}} + hours{h} + minutes{m};
}

inline core::Unit MakeUnit(std::string id, core::UnitKind kind, std::string parent,
                           std::string zone = "", bool paused = false) {
  core::Unit u;
  u.id = std::move(id);
  u.name = u.id;
  u.kind = kind;
  u.parent_id = std::move(parent);
  u.time_zone = std::move(zone);
  u.paused = paused;
  if (paused) u.paused_reason = "merged";
  return u;
}

// p (province, no zone: the default Asia/Shanghai applies)
//   c1 (city)  d1: s1, s2, s3 (paused)   d2: s4
//   c2 (city, Europe/Berlin)      b1
//   c3 (city, America/New_York)   n1
inline core::OrgTree MakeTree() {
  using K = core::UnitKind;
  std::vector<core::Unit> units = {
      MakeUnit("p", K::kProvince, ""),
      MakeUnit("c1", K::kCity, "p"),
      MakeUnit("d1", K::kDistrict, "c1"),
      MakeUnit("s1", K::kSchool, "d1"),
      MakeUnit("s2", K::kSchool, "d1"),
      MakeUnit("s3", K::kSchool, "d1", "", /*paused=*/true),
      MakeUnit("d2", K::kDistrict, "c1"),
      MakeUnit("s4", K::kSchool, "d2"),
      MakeUnit("c2", K::kCity, "p", "Europe/Berlin"),
      MakeUnit("b1", K::kSchool, "c2"),
      MakeUnit("c3", K::kCity, "p", "America/New_York"),
      MakeUnit("n1", K::kSchool, "c3"),
  };
  auto built = core::OrgTree::Build(std::move(units));
  return std::get<core::OrgTree>(std::move(built));
}

inline core::Period MakePeriod(std::string name, core::PeriodKind kind, date::year_month_day first,
                               date::year_month_day last, std::string scope = "") {
  core::Period p;
  p.id = name;
  p.name = std::move(name);
  p.kind = kind;
  p.first = first;
  p.last = last;
  p.scope_unit_id = std::move(scope);
  return p;
}

inline core::Calendar MakeCalendar(std::string name, std::vector<core::Period> periods,
                                   std::vector<date::year_month_day> working_days = {}) {
  core::Calendar c;
  c.name = std::move(name);
  c.periods = std::move(periods);
  for (auto d : working_days) c.working_days.push_back(core::AdjustedWorkingDay{d, "调休", "", ""});
  return c;
}

inline core::Requirement Daily(std::string id, std::vector<core::PeriodKind> during,
                               std::vector<core::TimeOfDay> deadlines,
                               core::Millis grace = minutes{30}) {
  core::Requirement r;
  r.id = std::move(id);
  r.name = r.id;
  r.kind = core::RequirementKind::kDailyAllClear;
  r.during = std::move(during);
  r.deadlines = std::move(deadlines);
  r.grace = grace;
  return r;
}

inline core::Requirement Monthly(std::string id, unsigned due_day, core::TimeOfDay due_time,
                                 core::Millis grace = hours{1}) {
  core::Requirement r;
  r.id = std::move(id);
  r.name = r.id;
  r.kind = core::RequirementKind::kMonthlySummary;
  r.due_day = due_day;
  r.due_time = due_time;
  r.grace = grace;
  return r;
}

inline core::Schedule BuildOrDie(const core::OrgTree& tree, std::vector<core::Calendar> cals,
                                 std::vector<core::Requirement> reqs,
                                 std::string zone = "Asia/Shanghai") {
  auto built = core::Schedule::Build(tree, std::move(cals), std::move(reqs), std::move(zone));
  if (auto* e = std::get_if<core::ScheduleError>(&built)) {
    ADD_FAILURE() << "Schedule::Build failed: " << e->ToString();
    std::abort();
  }
  return std::get<core::Schedule>(std::move(built));
}

inline std::vector<std::string> Ids(const std::vector<const core::Unit*>& units) {
  std::vector<std::string> out;
  for (const core::Unit* u : units) out.push_back(u->id);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace pingan::testing

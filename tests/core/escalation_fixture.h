// Shared test data for the escalation-related core tests: a province -> city ->
// district -> township -> 37 schools tree with contacts, a district duty roster with a
// hand-over at midnight, and policies. Instants are built from Shanghai local times.
#pragma once

#include <string>
#include <vector>

#include <date/date.h>
#include <gtest/gtest.h>

#include "daemon/core/alert.h"
#include "daemon/core/escalation_engine.h"
#include "daemon/core/escalation_policy.h"
#include "daemon/core/org_tree.h"
#include "daemon/core/roster.h"

namespace pingan::testing {

using namespace std::chrono_literals;

// 2024-10-DD HH:MM in Asia/Shanghai (UTC+8, no DST) as an Instant.
inline core::Instant Cst(int day, int hour, int minute = 0) {
  using namespace date;
  const auto local =
      sys_days{2024_y / October / day} + std::chrono::hours{hour} + std::chrono::minutes{minute};
  return std::chrono::time_point_cast<core::Millis>(local - 8h);
}

inline date::local_seconds Local(int day, int hour, int minute = 0) {
  using namespace date;
  return local_days{2024_y / October / day} + std::chrono::hours{hour} +
         std::chrono::minutes{minute};
}

inline std::string SchoolId(int i) {
  return "s" + std::string(i < 10 ? "0" : "") + std::to_string(i);
}
inline std::string SchoolName(int i) {
  return "第" + std::to_string(i) + "中学";
}

inline core::Contact C(core::ContactRole role, std::string name, std::string phone) {
  return core::Contact{role, std::move(name), std::move(phone), phone + "@example.cn"};
}

inline core::Unit U(std::string id, std::string name, core::UnitKind kind, std::string parent,
                    std::string zone, std::vector<core::Contact> contacts) {
  core::Unit u;
  u.id = std::move(id);
  u.name = std::move(name);
  u.kind = kind;
  u.parent_id = std::move(parent);
  u.time_zone = std::move(zone);
  u.contacts = std::move(contacts);
  return u;
}

inline core::OrgTree MakeTree(int schools = 37) {
  using core::ContactRole;
  using core::UnitKind;
  std::vector<core::Unit> units;
  units.push_back(U("prov", "省教育厅", UnitKind::kProvince, "", "Asia/Shanghai",
                    {C(ContactRole::kPrimaryAccountable, "省厅厅长", "1001"),
                     C(ContactRole::kSupervisingLeader, "省厅分管", "1002")}));
  units.push_back(U("city", "市教育局", UnitKind::kCity, "prov", "",
                    {C(ContactRole::kPrimaryAccountable, "市局局长", "2001"),
                     C(ContactRole::kSupervisingLeader, "市局分管", "2002")}));
  units.push_back(U("d1", "区教育局", UnitKind::kDistrict, "city", "",
                    {C(ContactRole::kPrimaryAccountable, "区局局长", "3001"),
                     C(ContactRole::kSupervisingLeader, "区局分管", "3002"),
                     C(ContactRole::kDutyContact, "区局值班室", "3003")}));
  units.push_back(U("t1", "城关中心校", UnitKind::kTownshipCentralSchool, "d1", "",
                    {C(ContactRole::kDutyContact, "中心校值班", "4003")}));
  for (int i = 1; i <= schools; ++i) {
    units.push_back(U(SchoolId(i), SchoolName(i), UnitKind::kSchool, "t1", "",
                      {C(ContactRole::kPrimaryAccountable, "校长" + std::to_string(i),
                         "5" + std::to_string(100 + i)),
                       C(ContactRole::kDutyContact, "总务处" + std::to_string(i),
                         "6" + std::to_string(100 + i))}));
  }
  return std::get<core::OrgTree>(core::OrgTree::Build(std::move(units)));
}

inline core::Recipient Officer(std::string name, std::string phone) {
  return core::Recipient{std::move(name), std::move(phone), "", ""};
}

// District roster: 甲 on 3 Oct 08:00-24:00, 乙 on 4 Oct 00:00-08:00 (hand-over at
// midnight), 丙 on 4 Oct 10:00-18:00 (a gap 08:00-10:00).
inline core::Rosters MakeRosters() {
  std::vector<core::Shift> shifts = {
      {Local(3, 8), Local(4, 0), Officer("值班员甲", "7001"), "值班员"},
      {Local(4, 0), Local(4, 8), Officer("值班员乙", "7002"), "值班员"},
      {Local(4, 10), Local(4, 18), Officer("值班员丙", "7003"), "值班员"},
  };
  core::Rosters rosters;
  rosters.emplace(
      "d1", std::get<core::Roster>(core::Roster::Build("d1", "Asia/Shanghai", std::move(shifts))));
  return rosters;
}

inline core::Policy MissingPolicy() {
  using core::ContactRole;
  using core::Target;
  using core::UnitRef;
  core::Policy p;
  p.id = "missing-default";
  p.kinds = {core::AlertKind::kMissing};
  p.steps = {
      {0min, {Target::Contact(UnitRef::School(), ContactRole::kDutyContact)}},
      {30min, {Target::OnDuty(UnitRef::Ancestor(core::UnitKind::kDistrict))}},
      {30min,
       {Target::Contact(UnitRef::Ancestor(core::UnitKind::kDistrict),
                        ContactRole::kSupervisingLeader)}},
  };
  p.repeat = 1;
  p.repeat_interval = 60min;
  p.ack_timeout = 2h;
  return p;
}

inline core::Policy MajorEventMissingPolicy() {
  using core::ContactRole;
  using core::Target;
  using core::UnitRef;
  core::Policy p;
  p.id = "missing-major-event";
  p.kinds = {core::AlertKind::kMissing};
  p.period_kinds = {"major_event"};
  p.steps = {
      {0min,
       {Target::Contact(UnitRef::School(), ContactRole::kDutyContact),
        Target::OnDuty(UnitRef::Ancestor(core::UnitKind::kDistrict))}},
      {10min,
       {Target::Contact(UnitRef::Ancestor(core::UnitKind::kDistrict),
                        ContactRole::kSupervisingLeader),
        Target::Contact(UnitRef::Ancestor(core::UnitKind::kDistrict),
                        ContactRole::kPrimaryAccountable)}},
  };
  return p;
}

inline core::Policy IncidentPolicy() {
  using core::ContactRole;
  using core::Target;
  using core::UnitRef;
  core::Policy p;
  p.id = "incident";
  p.kinds = {core::AlertKind::kIncident};
  p.steps = {
      {0min,
       {Target::Contact(UnitRef::School(), ContactRole::kPrimaryAccountable),
        Target::OnDuty(UnitRef::Ancestor(core::UnitKind::kDistrict))}},
      {15min,
       {Target::Contact(UnitRef::Ancestor(core::UnitKind::kDistrict),
                        ContactRole::kSupervisingLeader)}},
  };
  p.ack_timeout = 1h;
  return p;
}

inline core::EscalationConfig MakeConfig() {
  core::EscalationConfig config;
  // Stricter chain first: the first matching policy wins.
  config.policies = {MajorEventMissingPolicy(), MissingPolicy(), IncidentPolicy()};
  config.groups["安稳办"] = {core::Recipient{"安稳办主任", "8001", "", ""},
                             core::Recipient{"安稳办干事", "8002", "", ""}};
  return config;
}

inline std::vector<std::string> Names(const std::vector<core::Notification>& ns) {
  std::vector<std::string> out;
  for (const auto& n : ns) out.push_back(n.recipient.name);
  return out;
}

}  // namespace pingan::testing

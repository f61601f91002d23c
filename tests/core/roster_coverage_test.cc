#include "daemon/core/roster_coverage.h"

#include <gtest/gtest.h>

namespace pingan::core {
namespace {

using namespace std::chrono_literals;
using date::days;
using date::local_days;
using date::year;

// 2026-MM-DD HH:MM as a local time, and as an instant at a fixed UTC offset.
date::local_seconds Local(unsigned month, unsigned day, int hour) {
  return local_days{year{2026} / month / day} + std::chrono::hours{hour};
}
Instant At(unsigned month, unsigned day, int hour, std::chrono::hours offset = 8h) {
  return std::chrono::time_point_cast<Millis>(date::sys_days{year{2026} / month / day} +
                                              std::chrono::hours{hour} - offset);
}

Unit MakeUnit(std::string id, UnitKind kind, std::string parent, std::string zone = "") {
  Unit u;
  u.id = std::move(id);
  u.name = u.id;
  u.kind = kind;
  u.parent_id = std::move(parent);
  u.time_zone = std::move(zone);
  return u;
}

// c1 (Asia/Shanghai) > d1 > s1, s2; c1 > d2 (Asia/Urumqi, UTC+6) > s3.
OrgTree MakeTree() {
  auto built = OrgTree::Build({MakeUnit("c1", UnitKind::kCity, "", "Asia/Shanghai"),
                               MakeUnit("d1", UnitKind::kDistrict, "c1"),
                               MakeUnit("s1", UnitKind::kSchool, "d1"),
                               MakeUnit("s2", UnitKind::kSchool, "d1"),
                               MakeUnit("d2", UnitKind::kDistrict, "c1", "Asia/Urumqi"),
                               MakeUnit("s3", UnitKind::kSchool, "d2")});
  return std::get<OrgTree>(std::move(built));
}

Period MakePeriod(std::string name, PeriodKind kind, unsigned month, unsigned first, unsigned last,
                  std::string scope = "") {
  Period p;
  p.id = name + "-id";
  p.name = std::move(name);
  p.kind = kind;
  p.first = year{2026} / month / first;
  p.last = year{2026} / month / last;
  p.scope_unit_id = std::move(scope);
  return p;
}

std::vector<Calendar> MakeCalendars() {
  Calendar c;
  c.name = "holidays";
  c.periods = {MakePeriod("国庆节", PeriodKind::kPublicHoliday, 10, 1, 7),
               MakePeriod("秋季学期", PeriodKind::kSchoolTerm, 9, 1, 30),
               MakePeriod("运动会", PeriodKind::kMajorEvent, 10, 20, 20, "d2")};
  return {c};
}

Shift MakeShift(date::local_seconds from, date::local_seconds to) {
  return Shift{from, to, Recipient{"值班员", "13800000000", "", ""}, ""};
}

// d1 is covered on 10-01 from 08:00 to 10-02 08:00, and from 10-02 20:00 to the end.
Rosters MakeRosters() {
  auto built = Roster::Build(
      "d1", "Asia/Shanghai",
      {MakeShift(Local(10, 1, 8), Local(10, 2, 8)), MakeShift(Local(10, 2, 20), Local(10, 8, 0))});
  Rosters r;
  r.emplace("d1", std::get<Roster>(std::move(built)));
  return r;
}

CoverageQuery Query(Instant now, Millis horizon = 24h * 14) {
  CoverageQuery q;
  q.now = now;
  q.horizon = horizon;
  return q;
}

TEST(RosterCoverage, ListsTheHolesOfAHolidayBeforeItStarts) {
  const OrgTree tree = MakeTree();
  const auto gaps =
      FindCoverageGaps(MakeRosters(), {"d1"}, MakeCalendars(), tree, Query(At(9, 30, 12)));
  ASSERT_EQ(gaps.size(), 2u);
  EXPECT_EQ(gaps[0].unit_id, "d1");
  EXPECT_EQ(gaps[0].from, At(10, 1, 0)) << "the holiday starts at local midnight";
  EXPECT_EQ(gaps[0].to, At(10, 1, 8));
  EXPECT_EQ(gaps[0].period_name, "国庆节");
  EXPECT_EQ(gaps[0].period_id, "国庆节-id");
  EXPECT_EQ(gaps[0].period_kind, PeriodKind::kPublicHoliday);
  EXPECT_EQ(gaps[1].from, At(10, 2, 8));
  EXPECT_EQ(gaps[1].to, At(10, 2, 20));
}

TEST(RosterCoverage, APeriodUnderWayIsClippedToNow) {
  const OrgTree tree = MakeTree();
  const auto gaps =
      FindCoverageGaps(MakeRosters(), {"d1"}, MakeCalendars(), tree, Query(At(10, 2, 10)));
  ASSERT_EQ(gaps.size(), 1u);
  EXPECT_EQ(gaps[0].from, At(10, 2, 10));
  EXPECT_EQ(gaps[0].to, At(10, 2, 20));
}

TEST(RosterCoverage, PeriodsBeyondTheHorizonOrOverAreIgnored) {
  const OrgTree tree = MakeTree();
  EXPECT_TRUE(
      FindCoverageGaps(MakeRosters(), {"d1"}, MakeCalendars(), tree, Query(At(9, 10, 0))).empty())
      << "10-01 is more than 14 days after 09-10";
  EXPECT_TRUE(
      FindCoverageGaps(MakeRosters(), {"d1"}, MakeCalendars(), tree, Query(At(10, 8, 0))).empty());
  // The horizon cuts the period: a one-day look ahead from 09-30 12:00 ends 10-01 12:00.
  const auto gaps =
      FindCoverageGaps(Rosters{}, {"d1"}, MakeCalendars(), tree, Query(At(9, 30, 12), 24h));
  ASSERT_EQ(gaps.size(), 1u);
  EXPECT_EQ(gaps[0].from, At(10, 1, 0));
  EXPECT_EQ(gaps[0].to, At(10, 1, 12));
}

TEST(RosterCoverage, AUnitWithoutRosterMissesTheWholePeriodInItsOwnZone) {
  const OrgTree tree = MakeTree();
  const auto gaps = FindCoverageGaps(MakeRosters(), {"d2"}, MakeCalendars(), tree,
                                     Query(At(9, 30, 12), 24h * 30));
  ASSERT_EQ(gaps.size(), 2u) << "the national holiday and d2's own sports day";
  EXPECT_EQ(gaps[0].from, At(10, 1, 0, 6h)) << "midnight in Urumqi (UTC+6)";
  EXPECT_EQ(gaps[0].to, At(10, 8, 0, 6h));
  EXPECT_EQ(gaps[1].period_name, "运动会");
  EXPECT_EQ(gaps[1].period_kind, PeriodKind::kMajorEvent);
  EXPECT_EQ(gaps[1].to - gaps[1].from, 24h);
}

TEST(RosterCoverage, OnlyPeriodsThatConcernTheUnitCount) {
  const OrgTree tree = MakeTree();
  std::vector<Calendar> calendars = MakeCalendars();
  // A school's own event concerns its district (whose duty officer is paged for it).
  calendars[0].periods.push_back(MakePeriod("校庆", PeriodKind::kMajorEvent, 10, 12, 12, "s1"));
  const auto gaps = FindCoverageGaps(MakeRosters(), {"d1"}, calendars, tree, Query(At(10, 8, 0)));
  ASSERT_EQ(gaps.size(), 1u) << "not d2's sports day, not the school term";
  EXPECT_EQ(gaps[0].period_name, "校庆");
  // A calendar scoped to d2 does not concern d1.
  calendars[0].scope_unit_id = "d2";
  EXPECT_TRUE(
      FindCoverageGaps(MakeRosters(), {"d1"}, calendars, tree, Query(At(10, 8, 0))).size() == 1u)
      << "the school's period keeps its own scope";
  calendars[0].periods.pop_back();
  EXPECT_TRUE(
      FindCoverageGaps(MakeRosters(), {"d1"}, calendars, tree, Query(At(9, 30, 0))).empty());
}

TEST(RosterCoverage, AHolidayInTwoCalendarsGivesEachHoleOnce) {
  const OrgTree tree = MakeTree();
  std::vector<Calendar> calendars = MakeCalendars();
  calendars.push_back(calendars[0]);
  calendars[1].name = "imported.ics";
  const auto gaps = FindCoverageGaps(MakeRosters(), {"d1"}, calendars, tree, Query(At(9, 30, 12)));
  ASSERT_EQ(gaps.size(), 2u);
  EXPECT_NE(gaps[0].from, gaps[1].from);
}

TEST(RosterCoverage, AFullyCoveredRosterHasNoGap) {
  const OrgTree tree = MakeTree();
  auto built = Roster::Build("d1", "Asia/Shanghai", {MakeShift(Local(9, 1, 0), Local(11, 1, 0))});
  Rosters rosters;
  rosters.emplace("d1", std::get<Roster>(std::move(built)));
  EXPECT_TRUE(
      FindCoverageGaps(rosters, {"d1"}, MakeCalendars(), tree, Query(At(9, 30, 12))).empty());
}

TEST(RosterCoverage, UnitsPagedOnDutyResolveEveryPolicyTarget) {
  const OrgTree tree = MakeTree();
  EscalationConfig config;
  Policy p;
  p.id = "p";
  Step first;
  first.targets = {Target::OnDuty(UnitRef::Ancestor(UnitKind::kDistrict)),
                   Target::Contact(UnitRef::Ancestor(UnitKind::kCity), ContactRole::kDutyContact)};
  Step second;
  second.targets = {Target::OnDuty(UnitRef::Fixed("c1"))};
  p.steps = {first, second};
  config.policies = {p};
  EXPECT_EQ(UnitsPagedOnDuty(config, tree), (std::vector<std::string>{"c1", "d1", "d2"}))
      << "contacts are not rosters";
  config.policies[0].steps = {second};
  EXPECT_EQ(UnitsPagedOnDuty(config, tree), std::vector<std::string>{"c1"});
  config.policies.clear();
  EXPECT_TRUE(UnitsPagedOnDuty(config, tree).empty());
}

}  // namespace
}  // namespace pingan::core

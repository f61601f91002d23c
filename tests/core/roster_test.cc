#include "daemon/core/roster.h"

#include <gtest/gtest.h>

#include "tests/core/escalation_fixture.h"

namespace pingan::core {
namespace {

using namespace std::chrono_literals;
using testing::Cst;
using testing::Local;
using testing::Officer;

std::vector<std::string> NamesAt(const Rosters& r, std::string_view unit, Instant t) {
  std::vector<std::string> out;
  for (const auto& p : WhoIsOnDuty(r, unit, t)) out.push_back(p.name);
  return out;
}

TEST(RosterTest, ShiftsAreReadInTheUnitsLocalTime) {
  const Rosters r = testing::MakeRosters();
  // 甲's shift starts at 08:00 Shanghai time, which is 00:00 UTC.
  const Instant start = Instant{date::sys_days{date::year{2024} / 10 / 3}};
  EXPECT_TRUE(NamesAt(r, "d1", start - 1ms).empty());
  EXPECT_EQ(NamesAt(r, "d1", start), std::vector<std::string>{"值班员甲"});
  EXPECT_EQ(NamesAt(r, "d1", Cst(3, 23, 59)), std::vector<std::string>{"值班员甲"});
}

TEST(RosterTest, HandOverAtMidnight) {
  const Rosters r = testing::MakeRosters();
  EXPECT_EQ(NamesAt(r, "d1", Cst(4, 0) - 1ms), std::vector<std::string>{"值班员甲"});
  EXPECT_EQ(NamesAt(r, "d1", Cst(4, 0)), std::vector<std::string>{"值班员乙"});
}

TEST(RosterTest, OverlappingShiftsAreBothOnDuty) {
  auto built = Roster::Build("d1", "Asia/Shanghai",
                             {{Local(3, 8), Local(3, 20), Officer("值班员", "1"), ""},
                              {Local(3, 12), Local(3, 14), Officer("值班领导", "2"), "值班领导"}});
  Rosters r;
  r.emplace("d1", std::get<Roster>(std::move(built)));
  EXPECT_EQ(NamesAt(r, "d1", Cst(3, 13)), (std::vector<std::string>{"值班员", "值班领导"}));
  EXPECT_EQ(NamesAt(r, "d1", Cst(3, 15)), std::vector<std::string>{"值班员"});
}

TEST(RosterTest, UnknownUnitHasNobodyOnDuty) {
  EXPECT_TRUE(NamesAt(testing::MakeRosters(), "nowhere", Cst(3, 12)).empty());
}

TEST(RosterTest, FindGapsShowsTheHoleBeforeThePeriodStarts) {
  const Rosters r = testing::MakeRosters();
  // 3 Oct 00:00 .. 5 Oct 00:00: uncovered before 甲 starts, between 乙 and 丙, after 丙.
  const auto gaps = FindGaps(r, "d1", Cst(3, 0), Cst(5, 0));
  const std::vector<RosterGap> expected = {
      {Cst(3, 0), Cst(3, 8)}, {Cst(4, 8), Cst(4, 10)}, {Cst(4, 18), Cst(5, 0)}};
  EXPECT_EQ(gaps, expected);
}

TEST(RosterTest, FullyCoveredRangeHasNoGap) {
  EXPECT_TRUE(FindGaps(testing::MakeRosters(), "d1", Cst(3, 9), Cst(4, 7)).empty());
}

TEST(RosterTest, UnitWithoutRosterIsOneBigGap) {
  const auto gaps = FindGaps(testing::MakeRosters(), "s01", Cst(3, 0), Cst(4, 0));
  ASSERT_EQ(gaps.size(), 1u);
  EXPECT_EQ(gaps[0], (RosterGap{Cst(3, 0), Cst(4, 0)}));
  EXPECT_TRUE(FindGaps(testing::MakeRosters(), "s01", Cst(4, 0), Cst(3, 0)).empty());
}

TEST(RosterTest, DaylightSavingShiftIsShorter) {
  // New York springs forward on 10 Mar 2024: local 00:00-06:00 lasts five hours.
  using namespace date;
  auto built = Roster::Build("u", "America/New_York",
                             {{local_days{2024_y / March / 10},
                               local_days{2024_y / March / 10} + 6h, Officer("A", "1"), ""}});
  const Roster& r = std::get<Roster>(built);
  EXPECT_EQ(r.intervals()[0].end - r.intervals()[0].start, 5h);
}

TEST(RosterTest, BuildRejectsBadInput) {
  using E = Roster::BuildError;
  auto bad_zone = Roster::Build("d1", "Mars/Olympus", {});
  ASSERT_TRUE(std::holds_alternative<E>(bad_zone));
  EXPECT_NE(std::get<E>(bad_zone).message.find("Mars/Olympus"), std::string::npos);

  auto backwards = Roster::Build("d1", "Asia/Shanghai",
                                 {{Local(3, 8), Local(3, 20), Officer("A", "1"), ""},
                                  {Local(3, 20), Local(3, 8), Officer("B", "2"), ""}});
  ASSERT_TRUE(std::holds_alternative<E>(backwards));
  EXPECT_EQ(std::get<E>(backwards).shift_index, 1u);

  EXPECT_TRUE(std::holds_alternative<E>(
      Roster::Build("d1", "Asia/Shanghai", {{Local(3, 8), Local(3, 20), Officer("", "1"), ""}})));
  EXPECT_TRUE(std::holds_alternative<E>(
      Roster::Build("d1", "Asia/Shanghai", {{Local(3, 8), Local(3, 20), Officer("A", ""), ""}})));
}

}  // namespace
}  // namespace pingan::core

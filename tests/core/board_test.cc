#include "daemon/core/board.h"

#include <gtest/gtest.h>

#include "tests/core/schedule_fixture.h"

namespace pingan::core {
namespace {

using testing::MakeTree;
using S = BoardStatus;

// Counts written out field by field, so that a failure names the field.
BoardCounts Counts(int schools, int on_time, int late, int missing, int excused, int outstanding,
                   int incidents) {
  BoardCounts c;
  c.schools = schools;
  c.on_time = on_time;
  c.late = late;
  c.missing = missing;
  c.excused = excused;
  c.outstanding = outstanding;
  c.incidents = incidents;
  return c;
}

std::vector<std::string> UnitIds(const BoardAggregate& agg) {
  std::vector<std::string> out;
  for (const UnitCounts& u : agg.units) out.push_back(u.unit->id);
  return out;
}

// Tree (tests/core/schedule_fixture.h): p / c1 / d1: s1 s2 s3, d2: s4; p / c2 / b1;
// p / c3 / n1.
const std::vector<BoardSchool> kDay = {
    {"s1", S::kOnTime, 1}, {"s2", S::kMissing, 0},     {"s3", S::kExcused, 0},
    {"s4", S::kLate, 2},   {"b1", S::kOutstanding, 0},
};

TEST(BoardTest, CountsEachChildOfTheViewedUnitAndLeavesOutOtherSubtrees) {
  const OrgTree tree = MakeTree();
  const BoardAggregate agg = AggregateBoard(tree, "c1", kDay);
  EXPECT_EQ(agg.total, Counts(4, 1, 1, 1, 1, 0, 3)) << "b1 lies in c2, outside the view";
  ASSERT_EQ(UnitIds(agg), (std::vector<std::string>{"d1", "d2"}));
  EXPECT_EQ(agg.units[0].counts, Counts(3, 1, 0, 1, 1, 0, 1));
  EXPECT_EQ(agg.units[1].counts, Counts(1, 0, 1, 0, 0, 0, 2));
}

TEST(BoardTest, TheRootViewDrillsDownOneLevelOnly) {
  const OrgTree tree = MakeTree();
  const BoardAggregate agg = AggregateBoard(tree, "p", kDay);
  EXPECT_EQ(agg.total, Counts(5, 1, 1, 1, 1, 1, 3));
  // Cities, not districts; c3 has no school in the window and is left out.
  ASSERT_EQ(UnitIds(agg), (std::vector<std::string>{"c1", "c2"}));
  EXPECT_EQ(agg.units[0].counts.schools, 4);
  EXPECT_EQ(agg.units[1].counts, Counts(1, 0, 0, 0, 0, 1, 0));
}

TEST(BoardTest, TheWholeOrganisationHasTheRootsAsChildren) {
  const OrgTree tree = MakeTree();
  const BoardAggregate agg = AggregateBoard(tree, "", kDay);
  EXPECT_EQ(agg.total.schools, 5);
  ASSERT_EQ(UnitIds(agg), (std::vector<std::string>{"p"}));
  EXPECT_EQ(agg.units[0].counts, agg.total);
}

TEST(BoardTest, SchoolsThatAreDirectChildrenAreTheirOwnEntries) {
  const OrgTree tree = MakeTree();
  const BoardAggregate agg = AggregateBoard(tree, "d1", kDay);
  ASSERT_EQ(UnitIds(agg), (std::vector<std::string>{"s1", "s2", "s3"}));
  EXPECT_EQ(agg.units[0].counts, Counts(1, 1, 0, 0, 0, 0, 1));
  EXPECT_EQ(agg.units[1].counts.missing, 1);
}

TEST(BoardTest, ViewingASchoolCountsThatSchoolAlone) {
  const OrgTree tree = MakeTree();
  const BoardAggregate agg = AggregateBoard(tree, "s4", kDay);
  EXPECT_EQ(agg.total, Counts(1, 0, 1, 0, 0, 0, 2));
  EXPECT_TRUE(agg.units.empty());
}

TEST(BoardTest, UnknownSchoolsAndEmptyViewsCountNothing) {
  const OrgTree tree = MakeTree();
  const BoardAggregate agg = AggregateBoard(tree, "c1", {{"ghost", S::kMissing, 4}});
  EXPECT_EQ(agg.total, BoardCounts{});
  EXPECT_TRUE(agg.units.empty());
  EXPECT_EQ(AggregateBoard(tree, "c3", kDay).total.schools, 0);
}

TEST(BoardTest, ChildTowardFindsTheBranchBelowAnAncestor) {
  const OrgTree tree = MakeTree();
  EXPECT_EQ(ChildToward(tree, "p", "s1")->id, "c1");
  EXPECT_EQ(ChildToward(tree, "c1", "s1")->id, "d1");
  EXPECT_EQ(ChildToward(tree, "d1", "s1")->id, "s1");
  EXPECT_EQ(ChildToward(tree, "", "s1")->id, "p");
  EXPECT_EQ(ChildToward(tree, "c2", "s1"), nullptr);
  EXPECT_EQ(ChildToward(tree, "s1", "s1"), nullptr);
  EXPECT_EQ(ChildToward(tree, "p", "nope"), nullptr);
}

TEST(BoardTest, ARecordedStatusWinsAndPausedSchoolsAreExcused) {
  EXPECT_EQ(SchoolBoardStatus(S::kOnTime, /*paused=*/true), S::kOnTime)
      << "a paused school that reported anyway is counted as reported";
  EXPECT_EQ(SchoolBoardStatus(std::nullopt, true), S::kExcused);
  EXPECT_EQ(SchoolBoardStatus(std::nullopt, false), S::kOutstanding);
  EXPECT_EQ(SchoolBoardStatus(S::kMissing, false), S::kMissing);
}

TEST(BoardTest, StatusNamesRoundTrip) {
  for (auto s : {S::kOnTime, S::kLate, S::kMissing, S::kExcused, S::kOutstanding}) {
    EXPECT_EQ(ParseBoardStatus(BoardStatusName(s)), s);
  }
  EXPECT_EQ(BoardStatusName(S::kOnTime), "on_time");
  EXPECT_EQ(ParseBoardStatus("reported"), std::nullopt);
}

TEST(ReportingStatsTest, TheRateLeavesOutExcusedAndUndecidedWindows) {
  const ReportingStats s = SummarizeReporting(
      {S::kOnTime, S::kOnTime, S::kOnTime, S::kLate, S::kMissing, S::kExcused, S::kOutstanding});
  EXPECT_EQ(s.windows, 6);
  EXPECT_EQ(s.on_time, 3);
  EXPECT_EQ(s.late, 1);
  EXPECT_EQ(s.missing, 1);
  EXPECT_EQ(s.excused, 1);
  EXPECT_EQ(s.outstanding, 1);
  ASSERT_TRUE(s.on_time_rate.has_value());
  EXPECT_DOUBLE_EQ(*s.on_time_rate, 3.0 / 5.0);
}

TEST(ReportingStatsTest, NoRateWithoutACountedWindow) {
  EXPECT_EQ(SummarizeReporting({}).on_time_rate, std::nullopt);
  EXPECT_EQ(SummarizeReporting({S::kExcused, S::kOutstanding}).on_time_rate, std::nullopt);
  EXPECT_EQ(SummarizeReporting({S::kMissing}).on_time_rate, 0.0);
}

}  // namespace
}  // namespace pingan::core

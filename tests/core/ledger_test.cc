#include "daemon/core/ledger.h"

#include <set>

#include <gtest/gtest.h>

#include "tests/core/schedule_fixture.h"

namespace pingan::core {
namespace {

using date::literals::operator""_y;
using pingan::testing::BuildOrDie;
using pingan::testing::Daily;
using pingan::testing::Ids;
using pingan::testing::MakeCalendar;
using pingan::testing::MakePeriod;
using pingan::testing::MakeTree;
using pingan::testing::Monthly;
using pingan::testing::Utc;
using std::chrono::hours;
using std::chrono::minutes;

constexpr auto kHoliday = PeriodKind::kPublicHoliday;

// 2026-10-03, deadline 16:00 Shanghai (08:00 UTC), grace 30 minutes.
Window Oct3() {
  Window w;
  w.requirement_id = "d";
  w.window_id = "2026-10-03";
  w.covers_first = w.covers_last = 2026_y / 10 / 3;
  w.opens_at = Utc(2026_y / 10 / 2, 16);
  w.deadline = Utc(2026_y / 10 / 3, 8);
  w.grace_end = Utc(2026_y / 10 / 3, 8, 30);
  w.remind_at = w.deadline;
  return w;
}

TEST(LedgerTest, SilentBeforeGraceEndIsExpectedAfterIsMissing) {
  const Window w = Oct3();
  EXPECT_EQ(Classify(w, std::nullopt, false, Utc(2026_y / 10 / 3, 8, 29)).status,
            LedgerStatus::kExpected);
  EXPECT_EQ(Classify(w, std::nullopt, false, w.grace_end).status, LedgerStatus::kMissing);
  EXPECT_EQ(Classify(w, std::nullopt, false, Utc(2026_y / 10 / 9, 0)).status,
            LedgerStatus::kMissing);
}

TEST(LedgerTest, ReportInGracePeriodIsOnTime) {
  const Window w = Oct3();
  const auto in_grace = Classify(w, Utc(2026_y / 10 / 3, 8, 20), false, Utc(2026_y / 10 / 4, 0));
  EXPECT_EQ(in_grace.status, LedgerStatus::kOnTime);
  EXPECT_EQ(in_grace.lateness, Millis{0});
  EXPECT_EQ(Classify(w, w.grace_end, false, w.grace_end).status, LedgerStatus::kOnTime);
}

TEST(LedgerTest, LateReportKeepsLatenessFromTheDeadline) {
  const Window w = Oct3();
  const Instant received = Utc(2026_y / 10 / 3, 9, 15);
  const auto late = Classify(w, received, false, Utc(2026_y / 10 / 4, 0));
  EXPECT_EQ(late.status, LedgerStatus::kLate);
  EXPECT_EQ(late.received_at, received);
  EXPECT_EQ(late.lateness, minutes{75});  // 17:15 local against a 16:00 deadline
  EXPECT_EQ(Classify(w, w.grace_end + Millis{1}, false, w.grace_end).status, LedgerStatus::kLate);
}

TEST(LedgerTest, ReportBeforeTheWindowOpensIsOnTime) {
  const Window w = Oct3();
  const auto early = Classify(w, Utc(2026_y / 10 / 2, 12), false, Utc(2026_y / 10 / 2, 13));
  EXPECT_EQ(early.status, LedgerStatus::kOnTime);
}

TEST(LedgerTest, PausedSchoolIsExcusedNeverMissing) {
  const Window w = Oct3();
  EXPECT_EQ(Classify(w, std::nullopt, true, Utc(2026_y / 12 / 1, 0)).status,
            LedgerStatus::kExcused);
  const auto sent_anyway = Classify(w, Utc(2026_y / 10 / 5, 0), true, Utc(2026_y / 12 / 1, 0));
  EXPECT_EQ(sent_anyway.status, LedgerStatus::kExcused);
  EXPECT_EQ(sent_anyway.received_at, Utc(2026_y / 10 / 5, 0));
  EXPECT_EQ(sent_anyway.lateness, Millis{0});
}

TEST(LedgerTest, StatusNamesRoundTrip) {
  for (auto s : {LedgerStatus::kExpected, LedgerStatus::kOnTime, LedgerStatus::kLate,
                 LedgerStatus::kMissing, LedgerStatus::kExcused}) {
    EXPECT_EQ(ParseLedgerStatus(LedgerStatusName(s)), s);
  }
  EXPECT_FALSE(ParseLedgerStatus("fine"));
}

class AttributionTest : public ::testing::Test {
 protected:
  AttributionTest()
      : tree_(MakeTree()),
        schedule_(BuildOrDie(
            tree_,
            {MakeCalendar("cn",
                          {MakePeriod("国庆节", kHoliday, 2026_y / 10 / 1, 2026_y / 10 / 8)})},
            {Daily("twice", {kHoliday}, {hours{10}, hours{16}}), Monthly("m", 30, hours{17})})) {}

  // Feeds reports in order through WindowsFor + AttributeReport, like the daemon does,
  // and returns which window each one landed in ("" when none).
  std::vector<std::string> Feed(ReportKind kind, date::year_month_day covers,
                                std::vector<Instant> arrivals) {
    std::vector<std::string> landed;
    for (Instant at : arrivals) {
      const auto candidates = schedule_.WindowsFor("s1", kind, covers);
      const auto hit = AttributeReport(
          candidates, at, [&](const Window& w) { return received_.count(SweepKey(w)) > 0; });
      EXPECT_LE(hit.size(), 1u);
      for (const auto& w : hit) received_[SweepKey(w)] = at;
      landed.push_back(hit.empty() ? "" : hit[0].window_id);
    }
    return landed;
  }
  // A copy: one expression may call Slot twice, and a reference into a vector that the
  // second call replaces would dangle (clang evaluates arguments right to left).
  Window Slot(int i) const {
    return schedule_.WindowsOn("s1", 2026_y / 10 / 3).at(static_cast<size_t>(i));
  }

  OrgTree tree_;
  Schedule schedule_;
  std::map<std::string, Instant> received_;
};

TEST_F(AttributionTest, MorningAndAfternoonNeedOneReportEach) {
  // 09:00 and 13:00 local = 01:00 and 05:00 UTC.
  EXPECT_EQ(Feed(ReportKind::kAllClear, 2026_y / 10 / 3,
                 {Utc(2026_y / 10 / 3, 1), Utc(2026_y / 10 / 3, 1, 30), Utc(2026_y / 10 / 3, 5)}),
            (std::vector<std::string>{"2026-10-03@10:00", "", "2026-10-03@16:00"}));
}

TEST_F(AttributionTest, ALateMorningReportResolvesTheMorningWindow) {
  // Nothing in the morning; 11:00 local (03:00 UTC) is after the morning grace end.
  EXPECT_EQ(Feed(ReportKind::kAllClear, 2026_y / 10 / 3, {Utc(2026_y / 10 / 3, 3)}),
            (std::vector<std::string>{"2026-10-03@10:00"}));
  const auto entry =
      Classify(Slot(0), received_[SweepKey(Slot(0))], false, Utc(2026_y / 10 / 3, 4));
  EXPECT_EQ(entry.status, LedgerStatus::kLate);
  EXPECT_EQ(entry.lateness, hours{1});
  EXPECT_EQ(Classify(Slot(1), std::nullopt, false, Utc(2026_y / 10 / 3, 4)).status,
            LedgerStatus::kExpected);
}

TEST_F(AttributionTest, EarlyReportCountsForItsDate) {
  // Sent on the evening of 10-02 (local) for 10-03: counts for 10-03's first window.
  EXPECT_EQ(Feed(ReportKind::kAllClear, 2026_y / 10 / 3, {Utc(2026_y / 10 / 2, 12)}),
            (std::vector<std::string>{"2026-10-03@10:00"}));
  EXPECT_EQ(Classify(Slot(0), Utc(2026_y / 10 / 2, 12), false, Utc(2026_y / 10 / 3, 3)).status,
            LedgerStatus::kOnTime);
  // But not for the afternoon one.
  EXPECT_EQ(Feed(ReportKind::kAllClear, 2026_y / 10 / 3, {Utc(2026_y / 10 / 2, 13)}),
            (std::vector<std::string>{""}));
}

TEST_F(AttributionTest, IncidentSatisfiesTheDaysAllClear) {
  EXPECT_EQ(Feed(ReportKind::kIncident, 2026_y / 10 / 3, {Utc(2026_y / 10 / 3, 0)}),
            (std::vector<std::string>{"2026-10-03@10:00"}));
  // ... and never the monthly summary.
  EXPECT_EQ(Feed(ReportKind::kMonthlySummary, 2026_y / 10 / 3, {Utc(2026_y / 10 / 3, 0)}),
            (std::vector<std::string>{"2026-10"}));
  EXPECT_EQ(received_.size(), 2u);
}

TEST_F(AttributionTest, NoWindowNoAttribution) {
  EXPECT_EQ(Feed(ReportKind::kAllClear, 2026_y / 11 / 3, {Utc(2026_y / 11 / 3, 0)}),
            (std::vector<std::string>{""}));
}

TEST(LedgerTest, OneReportSatisfiesEveryRequirementOfItsDay) {
  const OrgTree tree = MakeTree();
  const Calendar cal = MakeCalendar(
      "cn", {MakePeriod("国庆节", kHoliday, 2026_y / 10 / 1, 2026_y / 10 / 8),
             MakePeriod("会议", PeriodKind::kMajorEvent, 2026_y / 10 / 3, 2026_y / 10 / 3)});
  const Schedule s = BuildOrDie(tree, {cal},
                                {Daily("holiday", {kHoliday}, {hours{16}}),
                                 Daily("event", {PeriodKind::kMajorEvent}, {hours{12}})});
  const auto hit = AttributeReport(s.WindowsFor("s1", ReportKind::kAllClear, 2026_y / 10 / 3),
                                   Utc(2026_y / 10 / 3, 2), [](const Window&) { return false; });
  ASSERT_EQ(hit.size(), 2u);
  EXPECT_EQ(hit[0].requirement_id, "event");
  EXPECT_EQ(hit[1].requirement_id, "holiday");
}

TEST(LedgerTest, SweepAtGraceEndFindsTheSilentSchools) {
  const OrgTree tree = MakeTree();
  const Schedule s = BuildOrDie(
      tree,
      {MakeCalendar("cn", {MakePeriod("国庆节", kHoliday, 2026_y / 10 / 1, 2026_y / 10 / 8)})},
      {Daily("d", {kHoliday}, {hours{16}})});
  // s1 reported within the grace period, s2 and s4 stayed silent, s3 is paused.
  const std::set<std::string> reported = {"s1", "s3"};
  const auto has = [&](std::string_view id) { return reported.count(std::string(id)) > 0; };
  const auto due = s.GraceEndsBetween(Utc(2026_y / 10 / 3, 8), Utc(2026_y / 10 / 3, 8, 30));
  ASSERT_EQ(due.size(), 1u);
  const SweepDecision d = DecideSweep(due[0], has);
  EXPECT_EQ(Ids(d.missing), (std::vector<std::string>{"s2", "s4"}));
  EXPECT_EQ(Ids(d.excused), (std::vector<std::string>{"s3"}));
  EXPECT_EQ(d.sweep_key, SweepKey(due[0].window));
  // One minute earlier the grace period had not ended: nothing to sweep yet.
  EXPECT_TRUE(s.GraceEndsBetween(Utc(2026_y / 10 / 3, 8), Utc(2026_y / 10 / 3, 8, 29)).empty());
}

TEST(LedgerTest, RemindersGoOnlyToSilentSchools) {
  DueWindow due;
  due.window = Oct3();
  const OrgTree tree = MakeTree();
  for (const char* id : {"s1", "s2", "s4"}) due.schools.push_back(tree.Find(id));
  due.paused.push_back(tree.Find("s3"));
  const auto remind = SchoolsToRemind(due, [](std::string_view id) { return id == "s2"; });
  EXPECT_EQ(Ids(remind), (std::vector<std::string>{"s1", "s4"}));
}

TEST(LedgerTest, CountsAndOnTimeRate) {
  LedgerCounts c;
  EXPECT_FALSE(c.OnTimeRate());
  for (auto s :
       {LedgerStatus::kOnTime, LedgerStatus::kOnTime, LedgerStatus::kOnTime, LedgerStatus::kLate,
        LedgerStatus::kMissing, LedgerStatus::kExcused, LedgerStatus::kExpected}) {
    c.Add(s);
  }
  EXPECT_EQ(c.Decided(), 5u);
  EXPECT_DOUBLE_EQ(*c.OnTimeRate(), 0.6);
  EXPECT_EQ(c.excused, 1u);
  EXPECT_EQ(c.expected, 1u);
}

}  // namespace
}  // namespace pingan::core

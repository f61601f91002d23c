// A whole school year of simulated time, swept in steps like the daemon's timer (and
// with irregular jumps like a daemon that was down), checking that every window fires
// exactly once and at its grace end.
#include <map>
#include <random>
#include <set>

#include <gtest/gtest.h>

#include "daemon/core/ledger.h"
#include "daemon/core/schedule.h"
#include "tests/core/schedule_fixture.h"

namespace pingan::core {
namespace {

using date::literals::operator""_y;
using pingan::testing::BuildOrDie;
using pingan::testing::Daily;
using pingan::testing::MakeCalendar;
using pingan::testing::MakePeriod;
using pingan::testing::MakeTree;
using pingan::testing::Monthly;
using pingan::testing::Utc;
using std::chrono::hours;
using std::chrono::minutes;

// School year 2026/27 (days counted by hand, see the comments):
//   holiday-daily (10:00 and 16:00) during public holidays and major events:
//     国庆节 10-01..10-08 (8 days; the worked days 09-27 and 10-10 lie outside),
//     元旦 2027-01-01..01-03 (3), 春节 2027-02-06..02-14 (9), 会议 2026-11-10..11-12 (3),
//     a major event 2026-10-07..10-09 overlapping 国庆节 (adds 10-09 only: 1)
//     = 24 days, 48 windows.
//   vacation-daily (18:00) during vacations: 寒假 2027-01-20..02-20 = 12 + 20 = 32 windows.
//   monthly (by the 30th, 17:00), active 2026-09-01..2027-07-31: 11 windows.
// 91 windows per time zone; the tree has schools in three zones.
constexpr size_t kWindowsPerZone = 48 + 32 + 11;

class SchoolYearTest : public ::testing::Test {
 protected:
  SchoolYearTest() : tree_(MakeTree()), schedule_(Make(tree_)) {}

  static Schedule Make(const OrgTree& tree) {
    using K = PeriodKind;
    const Calendar cn =
        MakeCalendar("cn-2026-27",
                     {MakePeriod("国庆节", K::kPublicHoliday, 2026_y / 10 / 1, 2026_y / 10 / 8),
                      MakePeriod("元旦", K::kPublicHoliday, 2027_y / 1 / 1, 2027_y / 1 / 3),
                      MakePeriod("春节", K::kPublicHoliday, 2027_y / 2 / 6, 2027_y / 2 / 14),
                      MakePeriod("寒假", K::kVacation, 2027_y / 1 / 20, 2027_y / 2 / 20),
                      MakePeriod("秋季学期", K::kSchoolTerm, 2026_y / 9 / 1, 2027_y / 1 / 19)},
                     {2026_y / 9 / 27, 2026_y / 10 / 10});
    const Calendar events = MakeCalendar(
        "events", {MakePeriod("会议", K::kMajorEvent, 2026_y / 11 / 10, 2026_y / 11 / 12),
                   MakePeriod("活动", K::kMajorEvent, 2026_y / 10 / 7, 2026_y / 10 / 9)});
    Requirement holiday =
        Daily("holiday-daily", {K::kPublicHoliday, K::kMajorEvent}, {hours{10}, hours{16}});
    holiday.remind_before = hours{1};
    Requirement vacation = Daily("vacation-daily", {K::kVacation}, {hours{18}}, hours{2});
    Requirement monthly = Monthly("monthly", 30, hours{17}, hours{24});
    monthly.remind_before = hours{24 * 3};
    monthly.active_from = 2026_y / 9 / 1;
    monthly.active_until = 2027_y / 7 / 31;
    return BuildOrDie(tree, {cn, events}, {holiday, vacation, monthly});
  }

  // Sweeps [start, end] with the given step sizes (cycled) and returns how often each
  // window fired, checking each fired within its step.
  std::map<std::string, int> Sweep(const std::vector<Millis>& steps, bool reminders) {
    std::map<std::string, int> fired;
    Instant last = Utc(2026_y / 8 / 25, 0);
    const Instant end = Utc(2027_y / 9 / 1, 0);
    for (size_t i = 0; last < end; ++i) {
      const Instant now = std::min(end, last + steps[i % steps.size()]);
      const auto due =
          reminders ? schedule_.RemindersBetween(last, now) : schedule_.GraceEndsBetween(last, now);
      for (const DueWindow& d : due) {
        const Instant at = reminders ? d.window.remind_at : d.window.grace_end;
        EXPECT_GT(at, last);
        EXPECT_LE(at, now);
        // Shanghai: s1, s2, s4 (s3 is paused); Berlin: b1; New York: n1.
        EXPECT_EQ(d.schools.size(), d.window.time_zone == "Asia/Shanghai" ? 3u : 1u)
            << d.window.window_id;
        ++fired[SweepKey(d.window)];
      }
      last = now;
    }
    return fired;
  }

  OrgTree tree_;
  Schedule schedule_;
};

void ExpectEachOnce(const std::map<std::string, int>& fired, size_t expected) {
  EXPECT_EQ(fired.size(), expected);
  for (const auto& [key, n] : fired) EXPECT_EQ(n, 1) << key;
}

TEST_F(SchoolYearTest, HourlySweepFiresEveryWindowOnce) {
  ExpectEachOnce(Sweep({hours{1}}, false), 3 * kWindowsPerZone);
}

TEST_F(SchoolYearTest, CatchUpAfterDowntimeFiresEveryWindowOnce) {
  // Irregular steps: seconds to several days (a daemon that was down over a holiday).
  std::mt19937 rng(20261001);
  std::vector<Millis> steps;
  for (int i = 0; i < 500; ++i) {
    steps.push_back(Millis{std::uniform_int_distribution<int64_t>(1'000, 5 * 86'400'000)(rng)});
  }
  ExpectEachOnce(Sweep(steps, false), 3 * kWindowsPerZone);
}

TEST_F(SchoolYearTest, EveryReminderFiresOnce) {
  // Reminders: the holiday windows (48 per zone) and the monthly ones (11 per zone).
  ExpectEachOnce(Sweep({minutes{37}}, true), 3 * (48 + 11));
}

TEST_F(SchoolYearTest, NextEventAfterVisitsEveryEventInOrder) {
  std::set<Instant> expected;
  for (const auto& d : schedule_.GraceEndsBetween(Utc(2026_y / 8 / 1, 0), Utc(2027_y / 9 / 1, 0))) {
    expected.insert(d.window.grace_end);
  }
  for (const auto& d : schedule_.RemindersBetween(Utc(2026_y / 8 / 1, 0), Utc(2027_y / 9 / 1, 0))) {
    expected.insert(d.window.remind_at);
  }
  std::set<Instant> visited;
  Instant t = Utc(2026_y / 8 / 1, 0);
  while (auto next = schedule_.NextEventAfter(t)) {
    ASSERT_GT(*next, t);
    visited.insert(*next);
    t = *next;
  }
  EXPECT_EQ(visited, expected);
  EXPECT_GT(expected.size(), 3 * kWindowsPerZone);  // reminders add their own instants
}

TEST_F(SchoolYearTest, MissingThenLateAcrossTheYear) {
  // s1 reports every window 10 minutes after the deadline (inside the grace period),
  // s2 never reports; s4 reports an hour after the grace period. Sweeps decide missing for s2 and
  // s4 only, and Classify later turns s4's entries into late ones.
  std::map<std::string, Instant> received;  // "<school>|<sweep key>" -> arrival
  LedgerCounts counts;
  Instant last = Utc(2026_y / 8 / 25, 0);
  for (Instant now = last + hours{1}; now <= Utc(2027_y / 9 / 1, 0); now += hours{1}) {
    for (const DueWindow& d : schedule_.GraceEndsBetween(last, now)) {
      const std::string key = SweepKey(d.window);
      const auto decision = DecideSweep(d, [&](std::string_view id) { return id == "s1"; });
      for (const Unit* school : d.schools) {
        const bool missing = std::find(decision.missing.begin(), decision.missing.end(), school) !=
                             decision.missing.end();
        EXPECT_EQ(missing, school->id != "s1") << school->id << " " << key;
        std::optional<Instant> at;
        if (school->id == "s1") at = d.window.deadline + minutes{10};
        if (school->id == "s4") at = d.window.grace_end + hours{1};
        counts.Add(Classify(d.window, at, school->paused, now + hours{3}).status);
      }
      counts.Add(Classify(d.window, {}, true, now).status, d.paused.size());
    }
    last = now;
  }
  // Shanghai windows: s1 on time, s2 missing, s4 late; other zones: one school each,
  // silent (missing). Paused s3 excused on every Shanghai window.
  EXPECT_EQ(counts.on_time, kWindowsPerZone);
  EXPECT_EQ(counts.late, kWindowsPerZone);
  EXPECT_EQ(counts.missing, kWindowsPerZone * 3);
  EXPECT_EQ(counts.excused, kWindowsPerZone);
  EXPECT_EQ(counts.expected, 0u);
}

}  // namespace
}  // namespace pingan::core

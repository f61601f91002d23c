#include "daemon/core/schedule.h"

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
constexpr auto kEvent = PeriodKind::kMajorEvent;

Calendar NationalDay() {
  return MakeCalendar("cn-2026", {MakePeriod("国庆节", kHoliday, 2026_y / 10 / 1, 2026_y / 10 / 8)},
                      {2026_y / 9 / 27, 2026_y / 10 / 10});
}

TEST(ScheduleTest, DailyDeadlineIsLocalToEachSchoolsZone) {
  const OrgTree tree = MakeTree();
  Requirement r = Daily("holiday-daily", {kHoliday}, {hours{16}});
  r.remind_before = hours{1};
  const Schedule s = BuildOrDie(tree, {NationalDay()}, {r});

  const auto sh = s.WindowFor("s1", ReportKind::kAllClear, 2026_y / 10 / 3);
  ASSERT_TRUE(sh);
  EXPECT_EQ(sh->requirement_id, "holiday-daily");
  EXPECT_EQ(sh->window_id, "2026-10-03");
  EXPECT_EQ(sh->kind, ReportKind::kAllClear);
  EXPECT_EQ(sh->covers_first, 2026_y / 10 / 3);
  EXPECT_EQ(sh->covers_last, 2026_y / 10 / 3);
  EXPECT_EQ(sh->opens_at, Utc(2026_y / 10 / 2, 16));  // local midnight, UTC+8
  EXPECT_EQ(sh->deadline, Utc(2026_y / 10 / 3, 8));
  EXPECT_EQ(sh->grace_end, Utc(2026_y / 10 / 3, 8, 30));
  EXPECT_EQ(sh->remind_at, Utc(2026_y / 10 / 3, 7));
  EXPECT_EQ(sh->time_zone, "Asia/Shanghai");

  const auto berlin = s.WindowFor("b1", ReportKind::kAllClear, 2026_y / 10 / 3);
  ASSERT_TRUE(berlin);
  EXPECT_EQ(berlin->deadline, Utc(2026_y / 10 / 3, 14));  // CEST, UTC+2
  EXPECT_EQ(berlin->time_zone, "Europe/Berlin");
  const auto ny = s.WindowFor("n1", ReportKind::kAllClear, 2026_y / 10 / 3);
  ASSERT_TRUE(ny);
  EXPECT_EQ(ny->deadline, Utc(2026_y / 10 / 3, 20));  // EDT, UTC-4

  EXPECT_FALSE(s.WindowFor("s1", ReportKind::kAllClear, 2026_y / 9 / 30));
  EXPECT_FALSE(s.WindowFor("s1", ReportKind::kAllClear, 2026_y / 10 / 9));
  EXPECT_FALSE(s.WindowFor("nobody", ReportKind::kAllClear, 2026_y / 10 / 3));
  EXPECT_FALSE(s.WindowFor("s1", ReportKind::kMonthlySummary, 2026_y / 10 / 3));
  EXPECT_EQ(s.TimeZoneOf("n1"), "America/New_York");
  EXPECT_EQ(s.TimeZoneOf("s1"), "Asia/Shanghai");
}

TEST(ScheduleTest, DeadlineInsideDstGapMovesForward) {
  const OrgTree tree = MakeTree();
  const Calendar spring =
      MakeCalendar("spring", {MakePeriod("event", kEvent, 2026_y / 3 / 7, 2026_y / 3 / 30)});
  const Schedule s =
      BuildOrDie(tree, {spring}, {Daily("night", {kEvent}, {hours{2} + minutes{30}})});
  // Berlin: 02:30 does not exist on 2026-03-29; 03:00 CEST is 01:00 UTC.
  EXPECT_EQ(s.WindowFor("b1", ReportKind::kAllClear, 2026_y / 3 / 29)->deadline,
            Utc(2026_y / 3 / 29, 1));
  EXPECT_EQ(s.WindowFor("b1", ReportKind::kAllClear, 2026_y / 3 / 28)->deadline,
            Utc(2026_y / 3 / 28, 1, 30));  // CET
  EXPECT_EQ(s.WindowFor("b1", ReportKind::kAllClear, 2026_y / 3 / 30)->deadline,
            Utc(2026_y / 3 / 30, 0, 30));  // CEST
  // New York: 02:30 does not exist on 2026-03-08; 03:00 EDT is 07:00 UTC.
  EXPECT_EQ(s.WindowFor("n1", ReportKind::kAllClear, 2026_y / 3 / 8)->deadline,
            Utc(2026_y / 3 / 8, 7));
}

TEST(ScheduleTest, DeadlineInsideDstOverlapTakesTheEarlierInstant) {
  const OrgTree tree = MakeTree();
  const Calendar autumn =
      MakeCalendar("autumn", {MakePeriod("event", kEvent, 2026_y / 10 / 24, 2026_y / 11 / 2)});
  const Schedule s = BuildOrDie(
      tree, {autumn}, {Daily("night", {kEvent}, {hours{1} + minutes{30}, hours{2} + minutes{30}})});
  // Berlin 2026-10-25 02:30 happens at 00:30 UTC (CEST) and 01:30 UTC (CET).
  const auto berlin = s.WindowsOn("b1", 2026_y / 10 / 25);
  ASSERT_EQ(berlin.size(), 2u);
  EXPECT_EQ(berlin[1].window_id, "2026-10-25@02:30");
  EXPECT_EQ(berlin[1].deadline, Utc(2026_y / 10 / 25, 0, 30));
  // New York 2026-11-01 01:30 happens at 05:30 UTC (EDT) and 06:30 UTC (EST).
  const auto ny = s.WindowsOn("n1", 2026_y / 11 / 1);
  ASSERT_EQ(ny.size(), 2u);
  EXPECT_EQ(ny[0].deadline, Utc(2026_y / 11 / 1, 5, 30));
  EXPECT_EQ(ny[1].deadline, Utc(2026_y / 11 / 1, 7, 30));  // 02:30 EST
  // The repeated hour does not produce a second window or a second sweep.
  const auto swept = s.GraceEndsBetween(Utc(2026_y / 11 / 1, 0), Utc(2026_y / 11 / 2, 0));
  int ny_windows = 0;
  for (const auto& d : swept) ny_windows += d.window.time_zone == "America/New_York";
  EXPECT_EQ(ny_windows, 2);
}

TEST(ScheduleTest, MonthlyDueDayFallsBackToTheMonthsLastDay) {
  const OrgTree tree = MakeTree();
  const Schedule s = BuildOrDie(tree, {}, {Monthly("monthly", 30, hours{17})});
  auto deadline = [&](date::year_month_day covers) {
    auto w = s.WindowFor("s1", ReportKind::kMonthlySummary, covers);
    EXPECT_TRUE(w) << covers;
    return w ? w->deadline : Instant{};
  };
  EXPECT_EQ(deadline(2026_y / 1 / 15), Utc(2026_y / 1 / 30, 9));
  EXPECT_EQ(deadline(2026_y / 2 / 1), Utc(2026_y / 2 / 28, 9));   // "by the 30th" in February
  EXPECT_EQ(deadline(2028_y / 2 / 29), Utc(2028_y / 2 / 29, 9));  // leap year
  EXPECT_EQ(deadline(2026_y / 4 / 30), Utc(2026_y / 4 / 30, 9));
  const auto feb = s.WindowFor("s1", ReportKind::kMonthlySummary, 2028_y / 2 / 10);
  EXPECT_EQ(feb->window_id, "2028-02");
  EXPECT_EQ(feb->covers_first, 2028_y / 2 / 1);
  EXPECT_EQ(feb->covers_last, 2028_y / 2 / 29);
  EXPECT_EQ(feb->opens_at, Utc(2028_y / 1 / 31, 16));
  EXPECT_EQ(feb->kind, ReportKind::kMonthlySummary);
  // An all-clear never satisfies the monthly summary.
  EXPECT_FALSE(s.WindowFor("s1", ReportKind::kAllClear, 2028_y / 2 / 10));
}

TEST(ScheduleTest, MonthlyDay31AndPreviousMonth) {
  const OrgTree tree = MakeTree();
  Requirement end = Monthly("end", 31, hours{12});
  Requirement prev = Monthly("prev", 5, hours{9});
  prev.covers_previous_month = true;
  const Schedule s = BuildOrDie(tree, {}, {end, prev});
  const auto windows = s.WindowsFor("s1", ReportKind::kMonthlySummary, 2026_y / 4 / 10);
  ASSERT_EQ(windows.size(), 2u);
  EXPECT_EQ(windows[0].requirement_id, "end");
  EXPECT_EQ(windows[0].deadline, Utc(2026_y / 4 / 30, 4));
  EXPECT_EQ(windows[1].requirement_id, "prev");
  EXPECT_EQ(windows[1].window_id, "2026-04");
  EXPECT_EQ(windows[1].deadline, Utc(2026_y / 5 / 5, 1));
  // December's summary is due in January of the next year.
  EXPECT_EQ(s.WindowsFor("s1", ReportKind::kMonthlySummary, 2026_y / 12 / 1)[1].deadline,
            Utc(2027_y / 1 / 5, 1));
}

TEST(ScheduleTest, LeapDayHasItsWindow) {
  const OrgTree tree = MakeTree();
  const Calendar cal =
      MakeCalendar("leap", {MakePeriod("event", kEvent, 2028_y / 2 / 27, 2028_y / 3 / 1)});
  const Schedule s = BuildOrDie(tree, {cal}, {Daily("d", {kEvent}, {hours{10}})});
  const auto due = s.GraceEndsBetween(Utc(2028_y / 2 / 26, 0), Utc(2028_y / 3 / 2, 0));
  std::vector<std::string> ids;
  for (const auto& d : due) {
    if (d.window.time_zone == "Asia/Shanghai") ids.push_back(d.window.window_id);
  }
  EXPECT_EQ(ids,
            (std::vector<std::string>{"2028-02-27", "2028-02-28", "2028-02-29", "2028-03-01"}));
}

TEST(ScheduleTest, AdjustedWorkingDays) {
  const OrgTree tree = MakeTree();
  // The holiday range swallows the weekend of 09-26/27, but Sunday 09-27 is worked.
  Calendar cal = MakeCalendar(
      "cn",
      {MakePeriod("国庆节", kHoliday, 2026_y / 9 / 26, 2026_y / 10 / 8),
       MakePeriod("秋季学期", PeriodKind::kSchoolTerm, 2026_y / 9 / 1, 2027_y / 1 / 15)},
      {2026_y / 9 / 27, 2026_y / 10 / 10});
  Requirement term = Daily("term", {PeriodKind::kSchoolTerm}, {hours{17}});
  term.days = DayFilter::kWorkingDays;
  const Schedule s = BuildOrDie(tree, {cal}, {Daily("holiday", {kHoliday}, {hours{16}}), term});
  auto owes = [&](const char* req, date::year_month_day d) {
    for (const auto& w : s.WindowsOn("s1", d)) {
      if (w.requirement_id == req) return true;
    }
    return false;
  };
  EXPECT_TRUE(owes("holiday", 2026_y / 9 / 26));
  EXPECT_FALSE(owes("holiday", 2026_y / 9 / 27));  // worked Sunday: no holiday report
  EXPECT_TRUE(owes("term", 2026_y / 9 / 27));      // ... but a school day
  EXPECT_FALSE(owes("term", 2026_y / 10 / 5));     // a Monday inside the holiday
  EXPECT_TRUE(owes("term", 2026_y / 10 / 9));      // an ordinary Friday
  EXPECT_TRUE(owes("term", 2026_y / 10 / 10));     // a worked Saturday
  EXPECT_FALSE(owes("term", 2026_y / 10 / 11));    // an ordinary Sunday
}

TEST(ScheduleTest, OverlappingPeriodsDoNotDoubleWindows) {
  const OrgTree tree = MakeTree();
  const Calendar a =
      MakeCalendar("a", {MakePeriod("国庆节", kHoliday, 2026_y / 10 / 1, 2026_y / 10 / 8)});
  const Calendar b =
      MakeCalendar("b", {MakePeriod("会议", kEvent, 2026_y / 10 / 5, 2026_y / 10 / 12),
                         MakePeriod("国庆节 again", kHoliday, 2026_y / 10 / 3, 2026_y / 10 / 4)});
  const Schedule s = BuildOrDie(tree, {a, b}, {Daily("d", {kHoliday, kEvent}, {hours{16}})});
  const auto due = s.GraceEndsBetween(Utc(2026_y / 9 / 30, 0), Utc(2026_y / 10 / 14, 0));
  std::map<std::string, int> shanghai;
  for (const auto& d : due) {
    if (d.window.time_zone != "Asia/Shanghai") continue;
    ++shanghai[d.window.window_id];
    EXPECT_EQ(Ids(d.schools), (std::vector<std::string>{"s1", "s2", "s4"}));
  }
  EXPECT_EQ(shanghai.size(), 12u);
  for (const auto& [id, n] : shanghai) EXPECT_EQ(n, 1) << id;
}

TEST(ScheduleTest, RequirementOverriddenAndDisabledInSubtrees) {
  const OrgTree tree = MakeTree();
  Requirement later = Daily("daily", {kHoliday}, {hours{18}});
  later.scope_unit_id = "d2";
  Requirement off;
  off.id = "daily";
  off.scope_unit_id = "c3";
  off.disabled = true;
  const Schedule s =
      BuildOrDie(tree, {NationalDay()}, {Daily("daily", {kHoliday}, {hours{16}}), later, off});
  EXPECT_EQ(s.WindowFor("s1", ReportKind::kAllClear, 2026_y / 10 / 3)->deadline,
            Utc(2026_y / 10 / 3, 8));
  EXPECT_EQ(s.WindowFor("s4", ReportKind::kAllClear, 2026_y / 10 / 3)->deadline,
            Utc(2026_y / 10 / 3, 10));
  EXPECT_FALSE(s.WindowFor("n1", ReportKind::kAllClear, 2026_y / 10 / 3));
  const auto due = s.GraceEndsBetween(Utc(2026_y / 10 / 3, 0), Utc(2026_y / 10 / 4, 0));
  ASSERT_EQ(due.size(), 3u);  // 16:00 Shanghai, 18:00 Shanghai (d2), 16:00 Berlin
  EXPECT_EQ(Ids(due[0].schools), (std::vector<std::string>{"s1", "s2"}));
  EXPECT_EQ(Ids(due[1].schools), (std::vector<std::string>{"s4"}));
  EXPECT_EQ(Ids(due[2].schools), (std::vector<std::string>{"b1"}));
  EXPECT_EQ(due[0].window.window_id, due[1].window.window_id);
  EXPECT_NE(SweepKey(due[0].window), SweepKey(due[1].window));
  EXPECT_EQ(s.SchoolCount("daily"), 5u);  // s1, s2, s3 (paused), s4, b1
}

TEST(ScheduleTest, PausedSchoolIsExcusedNotOwing) {
  const OrgTree tree = MakeTree();
  const Schedule s = BuildOrDie(tree, {NationalDay()}, {Daily("d", {kHoliday}, {hours{16}})});
  const auto due = s.GraceEndsBetween(Utc(2026_y / 10 / 3, 0), Utc(2026_y / 10 / 3, 9));
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(Ids(due[0].schools), (std::vector<std::string>{"s1", "s2", "s4"}));
  EXPECT_EQ(Ids(due[0].paused), (std::vector<std::string>{"s3"}));
  // The paused school still has windows, so the ledger can show it as excused.
  EXPECT_TRUE(s.WindowFor("s3", ReportKind::kAllClear, 2026_y / 10 / 3));
}

TEST(ScheduleTest, SeveralDeadlinesPerDay) {
  const OrgTree tree = MakeTree();
  const Schedule s =
      BuildOrDie(tree, {NationalDay()}, {Daily("d", {kHoliday}, {hours{10}, hours{16}})});
  const auto w = s.WindowsOn("s1", 2026_y / 10 / 3);
  ASSERT_EQ(w.size(), 2u);
  EXPECT_EQ(w[0].window_id, "2026-10-03@10:00");
  EXPECT_EQ(w[1].window_id, "2026-10-03@16:00");
  EXPECT_EQ(w[0].opens_at, Utc(2026_y / 10 / 2, 16));
  EXPECT_EQ(w[1].opens_at, w[0].deadline);
  EXPECT_EQ(w[1].deadline, Utc(2026_y / 10 / 3, 8));
}

TEST(ScheduleTest, ScopedPeriodsAndCalendarZones) {
  const OrgTree tree = MakeTree();
  Calendar local = MakeCalendar(
      "c1-only", {MakePeriod("运动会", kEvent, 2026_y / 11 / 10, 2026_y / 11 / 12, "d1")});
  local.scope_unit_id = "c1";
  local.time_zone = "Asia/Urumqi";  // UTC+6, for c1's schools that set no zone
  const Schedule s = BuildOrDie(tree, {local}, {Daily("d", {kEvent}, {hours{16}})});
  EXPECT_EQ(s.WindowFor("s1", ReportKind::kAllClear, 2026_y / 11 / 11)->deadline,
            Utc(2026_y / 11 / 11, 10));
  EXPECT_FALSE(s.WindowFor("s4", ReportKind::kAllClear, 2026_y / 11 / 11));  // d2: out of scope
  EXPECT_FALSE(s.WindowFor("b1", ReportKind::kAllClear, 2026_y / 11 / 11));
  EXPECT_EQ(s.TimeZoneOf("s4"), "Asia/Urumqi");
  EXPECT_EQ(s.TimeZoneOf("b1"), "Europe/Berlin");  // the unit's own zone wins elsewhere
}

TEST(ScheduleTest, RemindersAndNextEvent) {
  const OrgTree tree = MakeTree();
  Requirement r = Daily("d", {kHoliday}, {hours{16}});
  r.remind_before = hours{2};
  const Schedule s = BuildOrDie(tree, {NationalDay()}, {r});
  const auto reminders = s.RemindersBetween(Utc(2026_y / 10 / 3, 0), Utc(2026_y / 10 / 3, 6));
  ASSERT_EQ(reminders.size(), 1u);
  EXPECT_EQ(reminders[0].window.remind_at, Utc(2026_y / 10 / 3, 6));
  EXPECT_EQ(s.NextEventAfter(Utc(2026_y / 9 / 1, 0)), Utc(2026_y / 10 / 1, 6));  // first reminder
  EXPECT_EQ(s.NextEventAfter(Utc(2026_y / 10 / 1, 6)), Utc(2026_y / 10 / 1, 8, 30));   // grace end
  EXPECT_EQ(s.NextEventAfter(Utc(2026_y / 10 / 1, 8, 30)), Utc(2026_y / 10 / 1, 12));  // Berlin
  EXPECT_FALSE(s.NextEventAfter(Utc(2026_y / 12 / 1, 0)));
  // Without a reminder nothing is reminded.
  const Schedule quiet = BuildOrDie(tree, {NationalDay()}, {Daily("d", {kHoliday}, {hours{16}})});
  EXPECT_TRUE(quiet.RemindersBetween(Utc(2026_y / 9 / 1, 0), Utc(2026_y / 11 / 1, 0)).empty());
}

TEST(ScheduleTest, UpcomingDeadlinesAreDistinctAndOrdered) {
  const OrgTree tree = MakeTree();
  const Schedule s = BuildOrDie(tree, {NationalDay()},
                                {Daily("d", {kHoliday}, {hours{16}}), Monthly("m", 30, hours{17})});
  const auto everyone = [](const Unit&) { return true; };
  const auto next = s.UpcomingDeadlinesFor(Utc(2026_y / 10 / 3, 9), 5, everyone);
  ASSERT_EQ(next.size(), 5u);
  for (size_t i = 1; i < next.size(); ++i) {
    EXPECT_LE(next[i - 1].window.deadline, next[i].window.deadline);
  }
  EXPECT_EQ(next[0].window.time_zone, "Europe/Berlin");  // 10-03 16:00 CEST = 14:00 UTC
  EXPECT_EQ(next[0].window.window_id, "2026-10-03");
  std::set<std::string> keys;
  for (const auto& u : next) keys.insert(SweepKey(u.window));
  EXPECT_EQ(keys.size(), next.size());
  // Far beyond the holidays only the monthly summaries remain.
  const auto later = s.UpcomingDeadlinesFor(Utc(2027_y / 3 / 1, 0), 4, everyone);
  ASSERT_EQ(later.size(), 4u);
  for (const auto& u : later) EXPECT_EQ(u.window.requirement_id, "m");
}

TEST(ScheduleTest, IncidentsHaveNoWindows) {
  const OrgTree tree = MakeTree();
  Requirement inc;
  inc.id = "incidents";
  inc.kind = RequirementKind::kIncident;
  const Schedule s = BuildOrDie(tree, {NationalDay()}, {inc});
  EXPECT_TRUE(s.GraceEndsBetween(Utc(2026_y / 1 / 1, 0), Utc(2027_y / 1 / 1, 0)).empty());
  EXPECT_FALSE(s.NextEventAfter(Utc(2026_y / 1 / 1, 0)));
  EXPECT_TRUE(s.WindowsOn("s1", 2026_y / 10 / 3).empty());
}

ScheduleError BuildError(std::vector<Calendar> cals, std::vector<Requirement> reqs,
                         std::string zone = "Asia/Shanghai") {
  const OrgTree tree = MakeTree();
  auto built = Schedule::Build(tree, std::move(cals), std::move(reqs), std::move(zone));
  EXPECT_TRUE(std::holds_alternative<ScheduleError>(built));
  return std::holds_alternative<ScheduleError>(built) ? std::get<ScheduleError>(built)
                                                      : ScheduleError{};
}

TEST(ScheduleTest, BuildRejectsBadInput) {
  const Requirement ok = Daily("d", {kHoliday}, {hours{16}});
  EXPECT_NE(BuildError({}, {ok}, "Asia/Nowhere").message.find("Asia/Nowhere"), std::string::npos);

  Calendar bad_zone = NationalDay();
  bad_zone.time_zone = "Europe/Atlantis";
  EXPECT_NE(BuildError({bad_zone}, {ok}).message.find("Europe/Atlantis"), std::string::npos);

  Calendar bad_scope = NationalDay();
  bad_scope.periods[0].scope_unit_id = "ghost";
  bad_scope.periods[0].source = "cal.yaml:7";
  const ScheduleError e = BuildError({bad_scope}, {ok});
  EXPECT_EQ(e.source, "cal.yaml:7");
  EXPECT_NE(e.ToString().find("ghost"), std::string::npos);

  Calendar reversed = NationalDay();
  std::swap(reversed.periods[0].first, reversed.periods[0].last);
  EXPECT_NE(BuildError({reversed}, {ok}).message.find("before"), std::string::npos);

  Calendar decades = NationalDay();
  decades.periods[0].last = 2062_y / 10 / 8;
  EXPECT_NE(BuildError({decades}, {ok}).message.find("longer"), std::string::npos);

  EXPECT_NE(BuildError({}, {ok, ok}).message.find("twice"), std::string::npos);

  Requirement no_deadline = ok;
  no_deadline.deadlines.clear();
  EXPECT_EQ(BuildError({}, {no_deadline}).subject, "requirement 'd'");

  Requirement unsorted = Daily("d", {kHoliday}, {hours{16}, hours{10}});
  EXPECT_NE(BuildError({}, {unsorted}).message.find("ascending"), std::string::npos);

  Requirement bad_day = Monthly("m", 32, hours{17});
  EXPECT_NE(BuildError({}, {bad_day}).message.find("due_day"), std::string::npos);

  Calendar z1 = NationalDay(), z2 = NationalDay();
  z1.time_zone = "Asia/Shanghai";
  z2.time_zone = "Asia/Urumqi";
  EXPECT_NE(BuildError({z1, z2}, {ok}).message.find("differs"), std::string::npos);
}

}  // namespace
}  // namespace pingan::core

// Requirements due on some days only (recurrence, shift, day filter), due a number of
// days after the covered day, and periods matched by tag: one test per rule, through
// Schedule::Build, with expectations given directly in UTC.
#include "daemon/core/due_days.h"

#include <gtest/gtest.h>

#include "daemon/core/alert_rules.h"
#include "daemon/core/local_time.h"
#include "daemon/core/recurrence.h"
#include "tests/core/schedule_fixture.h"

namespace pingan::testing {
namespace {

using namespace date::literals;
using core::PeriodKind;

// The autumn term with National Day (Oct 1-7, 调休 Saturday Oct 10), and the spring
// term with the Spring Festival (Feb 15-23, 调休 Saturday Feb 14).
std::vector<core::Calendar> Terms(bool with_adjusted_days = true) {
  std::vector<date::year_month_day> adjusted;
  if (with_adjusted_days) adjusted = {2026_y / 10 / 10, 2026_y / 2 / 14};
  auto exam = MakePeriod("期末考试", PeriodKind::kMajorEvent, 2026_y / 6 / 8, 2026_y / 6 / 10);
  exam.tags = {"考试"};
  return {MakeCalendar(
      "school",
      {MakePeriod("春季学期", PeriodKind::kSchoolTerm, 2026_y / 1 / 5, 2026_y / 7 / 10),
       MakePeriod("秋季学期", PeriodKind::kSchoolTerm, 2026_y / 9 / 1, 2027_y / 1 / 15),
       MakePeriod("国庆节", PeriodKind::kPublicHoliday, 2026_y / 10 / 1, 2026_y / 10 / 7),
       MakePeriod("春节", PeriodKind::kPublicHoliday, 2026_y / 2 / 15, 2026_y / 2 / 23), exam},
      adjusted)};
}

core::Requirement Recurring(std::string id, std::string rule, core::TimeOfDay due) {
  core::Requirement r = Daily(std::move(id), {PeriodKind::kSchoolTerm}, {due});
  r.recurrence = std::move(rule);
  return r;
}

// The windows of requirement `id` that school s1 owes, whose grace ends in [from, to].
std::vector<core::Window> WindowsOf(const core::Schedule& s, const std::string& id, Instant from,
                                    Instant to, const char* school = "s1") {
  std::vector<core::Window> out;
  for (const core::DueWindow& d : s.GraceEndsBetween(from, to)) {
    if (d.window.requirement_id != id) continue;
    if (std::none_of(d.schools.begin(), d.schools.end(),
                     [&](const core::Unit* u) { return u->id == school; })) {
      continue;
    }
    out.push_back(d.window);
  }
  return out;
}

std::vector<std::string> WindowIds(const std::vector<core::Window>& windows) {
  std::vector<std::string> out;
  for (const core::Window& w : windows) out.push_back(w.window_id);
  std::sort(out.begin(), out.end());
  return out;
}

// The schedule's units point into the tree: it must outlive them.
class DueDaysTest : public ::testing::Test {
 protected:
  const core::OrgTree tree_ = MakeTree();
};

TEST_F(DueDaysTest, WeeklyOnWorkingFridaysSkipsTheHolidayFriday) {
  core::Requirement weekly = Recurring("weekly", "FREQ=WEEKLY;BYDAY=FR", hours{17});
  weekly.days = core::DayFilter::kWorkingDays;
  auto s = BuildOrDie(tree_, Terms(), {weekly});
  auto w = WindowsOf(s, "weekly", Utc(2026_y / 9 / 30, 0), Utc(2026_y / 10 / 31, 0));
  EXPECT_EQ(WindowIds(w),
            (std::vector<std::string>{"2026-10-09", "2026-10-16", "2026-10-23", "2026-10-30"}))
      << "Friday October 2nd lies in National Day";
  ASSERT_FALSE(w.empty());
  EXPECT_EQ(w[0].deadline, Utc(2026_y / 10 / 9, 9)) << "17:00 in Shanghai";
}

TEST_F(DueDaysTest, NextMorningDeadlineKeepsTheCoveredDay) {
  core::Requirement night = Daily("night", {PeriodKind::kSchoolTerm}, {hours{8}});
  night.due_day_offset = 1;
  auto s = BuildOrDie(tree_, Terms(), {night});
  auto w = WindowsOf(s, "night", Utc(2026_y / 10 / 8, 1), Utc(2026_y / 10 / 9, 12));
  ASSERT_EQ(WindowIds(w), (std::vector<std::string>{"2026-10-08"}));
  EXPECT_EQ(w[0].covers_first, 2026_y / 10 / 8);
  EXPECT_EQ(w[0].opens_at, Utc(2026_y / 10 / 7, 16)) << "the covered day's local midnight";
  EXPECT_EQ(w[0].deadline, Utc(2026_y / 10 / 9, 0)) << "08:00 the next morning in Shanghai";
  EXPECT_EQ(w[0].grace_end, Utc(2026_y / 10 / 9, 0, 30));
}

TEST_F(DueDaysTest, LastWorkingDayOfTheMonth) {
  core::Requirement monthly = Recurring("month-end", "FREQ=MONTHLY;BYMONTHDAY=-1", hours{16});
  monthly.shift = core::DayShift::kPreviousWorkingDay;
  auto s = BuildOrDie(tree_, Terms(), {monthly});
  auto w = WindowsOf(s, "month-end", Utc(2026_y / 9 / 1, 0), Utc(2027_y / 2 / 1, 0));
  EXPECT_EQ(WindowIds(w),
            (std::vector<std::string>{"2026-09-30", "2026-10-30", "2026-11-30", "2026-12-31"}))
      << "October 31st is a Saturday; January 29th lies after the term";
}

TEST_F(DueDaysTest, LastWorkingDayBeforeAHolidayHonoursAdjustedWorkingDays) {
  core::Requirement eve = Recurring("eve", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=15", hours{16});
  eve.shift = core::DayShift::kPreviousWorkingDay;
  const Instant from = Utc(2026_y / 2 / 1, 0), to = Utc(2026_y / 3 / 1, 0);
  auto with = BuildOrDie(tree_, Terms(true), {eve});
  EXPECT_EQ(WindowIds(WindowsOf(with, "eve", from, to)), (std::vector<std::string>{"2026-02-14"}))
      << "Saturday February 14th is a 调休 working day";
  auto without = BuildOrDie(tree_, Terms(false), {eve});
  EXPECT_EQ(WindowIds(WindowsOf(without, "eve", from, to)),
            (std::vector<std::string>{"2026-02-13"}));
  // The next working day after the holiday's start instead.
  eve.shift = core::DayShift::kNextWorkingDay;
  auto after = BuildOrDie(tree_, Terms(true), {eve});
  EXPECT_EQ(WindowIds(WindowsOf(after, "eve", from, to)), (std::vector<std::string>{"2026-02-24"}));
}

TEST_F(DueDaysTest, OffsetDeadlinesFollowDstInTheSchoolsZone) {
  // n1 is in New York: DST ends on Sunday November 1st and starts on Sunday March 8th.
  core::Requirement night = Daily("ny", {PeriodKind::kSchoolTerm}, {hours{8}});
  night.due_day_offset = 1;
  night.scope_unit_id = "c3";
  auto s = BuildOrDie(tree_, Terms(), {night});
  auto fall = WindowsOf(s, "ny", Utc(2026_y / 11 / 1, 0), Utc(2026_y / 11 / 2, 0), "n1");
  ASSERT_EQ(WindowIds(fall), (std::vector<std::string>{"2026-10-31"}));
  EXPECT_EQ(fall[0].deadline, Utc(2026_y / 11 / 1, 13)) << "08:00 EST, the day after EDT";
  EXPECT_EQ(fall[0].opens_at, Utc(2026_y / 10 / 31, 4)) << "midnight EDT";

  night.deadlines = {hours{2} + minutes{30}};
  auto spring_s = BuildOrDie(tree_, Terms(), {night});
  auto spring = WindowsOf(spring_s, "ny", Utc(2026_y / 3 / 8, 0), Utc(2026_y / 3 / 9, 0), "n1");
  ASSERT_EQ(WindowIds(spring), (std::vector<std::string>{"2026-03-07"}));
  EXPECT_EQ(spring[0].deadline, Utc(2026_y / 3 / 8, 7))
      << "02:30 does not exist on March 8th: the gap's end, 03:00 EDT";
}

TEST_F(DueDaysTest, DuringMatchesPeriodTags) {
  core::Requirement exam = Daily("exam", {}, {hours{20}});
  exam.during_tags = {"考试"};
  auto s = BuildOrDie(tree_, Terms(), {exam});
  EXPECT_EQ(WindowIds(WindowsOf(s, "exam", Utc(2026_y / 6 / 1, 0), Utc(2026_y / 6 / 30, 0))),
            (std::vector<std::string>{"2026-06-08", "2026-06-09", "2026-06-10"}));
}

TEST_F(DueDaysTest, UnknownTagIsAScheduleErrorWithItsSource) {
  core::Requirement exam = Daily("exam", {}, {hours{20}});
  exam.during_tags = {"考式"};
  exam.source = "calendars.yaml:40";
  auto built = core::Schedule::Build(tree_, Terms(), {exam}, "Asia/Shanghai");
  auto* e = std::get_if<core::ScheduleError>(&built);
  ASSERT_NE(e, nullptr);
  EXPECT_NE(e->ToString().find("calendars.yaml:40"), std::string::npos) << e->ToString();
  EXPECT_NE(e->ToString().find("'考式'"), std::string::npos) << e->ToString();
}

TEST_F(DueDaysTest, ValidationOfTheNewKeys) {
  core::Requirement r = Recurring("r", "FREQ=WEEKLY;BYDAY=FR", hours{8});
  EXPECT_EQ(core::ValidateRequirement(r), std::nullopt);
  r.due_day_offset = core::kMaxDueDayOffset + 1;
  EXPECT_NE(core::ValidateRequirement(r), std::nullopt);
  r.due_day_offset = 1;
  r.recurrence = "FREQ=HOURLY";
  EXPECT_NE(core::ValidateRequirement(r), std::nullopt);
  r.recurrence.clear();
  r.shift = core::DayShift::kNextWorkingDay;
  EXPECT_NE(core::ValidateRequirement(r), std::nullopt) << "a shift needs a recurrence";
}

TEST_F(DueDaysTest, RecurringRequirementsAreNamedInMessages) {
  std::vector<core::Requirement> reqs = {Daily("daily", {PeriodKind::kSchoolTerm}, {hours{16}}),
                                         Recurring("weekly", "FREQ=WEEKLY;BYDAY=FR", hours{17})};
  reqs[1].name = "周报";
  EXPECT_EQ(core::ReportLabel(reqs, "daily"), "");
  EXPECT_EQ(core::ReportLabel(reqs, "weekly"), "周报");
}

TEST_F(DueDaysTest, ActivePeriodKindsIncludeTags) {
  const core::OrgTree& tree = tree_;
  EXPECT_EQ(core::ActivePeriodKinds(tree, Terms(), "s1", date::sys_days{2026_y / 6 / 9}),
            (std::vector<std::string>{"school_term", "major_event", "考试"}));
  EXPECT_EQ(core::ActivePeriodKinds(tree, Terms(), "s1", date::sys_days{2026_y / 6 / 11}),
            (std::vector<std::string>{"school_term"}));
}

}  // namespace
}  // namespace pingan::testing

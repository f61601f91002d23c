// RRULE expansion (core/recurrence.h): the whole-day rules requirements use, their
// edge cases (the 31st in short months, the last day of February, the phase of
// quarterly rules) and the bounds that keep an absurd rule from looping.
#include "daemon/core/recurrence.h"

#include <gtest/gtest.h>

namespace pingan::core {
namespace {

using namespace date::literals;

date::sys_days D(date::year_month_day d) {
  return date::sys_days{d};
}

std::vector<date::sys_days> In2026(std::string_view rule, date::sys_days start = kRecurrenceEpoch) {
  return RecurrenceDays(rule, start, D(2026_y / 1 / 1), D(2026_y / 12 / 31));
}

TEST(RecurrenceTest, WeeklyOnFridays) {
  auto days = RecurrenceDays("FREQ=WEEKLY;BYDAY=FR", kRecurrenceEpoch, D(2026_y / 10 / 1),
                             D(2026_y / 10 / 31));
  EXPECT_EQ(days, (std::vector<date::sys_days>{D(2026_y / 10 / 2), D(2026_y / 10 / 9),
                                               D(2026_y / 10 / 16), D(2026_y / 10 / 23),
                                               D(2026_y / 10 / 30)}));
}

TEST(RecurrenceTest, TheThirtyFirstSkipsShortMonths) {
  auto days = In2026("FREQ=MONTHLY;BYMONTHDAY=31");
  std::vector<date::sys_days> expected;
  for (unsigned m : {1u, 3u, 5u, 7u, 8u, 10u, 12u}) {
    expected.push_back(D(2026_y / date::month{m} / 31));
  }
  EXPECT_EQ(days, expected) << "RFC 5545: a day a month lacks is no occurrence";
}

TEST(RecurrenceTest, LastDayOfEachMonthIncludingLeapFebruary) {
  auto days = In2026("FREQ=MONTHLY;BYMONTHDAY=-1");
  ASSERT_EQ(days.size(), 12u);
  EXPECT_EQ(days[1], D(2026_y / 2 / 28));
  EXPECT_EQ(days[3], D(2026_y / 4 / 30));
  auto leap = RecurrenceDays("FREQ=MONTHLY;BYMONTHDAY=-1", kRecurrenceEpoch, D(2028_y / 2 / 1),
                             D(2028_y / 2 / 29));
  EXPECT_EQ(leap, (std::vector<date::sys_days>{D(2028_y / 2 / 29)}));
}

TEST(RecurrenceTest, QuarterlyOnTheLastDayOfEachQuarter) {
  EXPECT_EQ(In2026("FREQ=YEARLY;BYMONTH=3,6,9,12;BYMONTHDAY=-1"),
            (std::vector<date::sys_days>{D(2026_y / 3 / 31), D(2026_y / 6 / 30), D(2026_y / 9 / 30),
                                         D(2026_y / 12 / 31)}));
  // INTERVAL=3: every third month, its phase set by the start.
  const auto every_third = In2026("FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=-1");
  ASSERT_EQ(every_third.size(), 4u);
  for (size_t i = 1; i < every_third.size(); ++i) {
    const date::year_month_day a{every_third[i - 1]}, b{every_third[i]};
    const auto gap = date::year_month{b.year(), b.month()} - date::year_month{a.year(), a.month()};
    EXPECT_EQ(gap, date::months{3});
  }
}

TEST(RecurrenceTest, YearlyAndLastWeekdayOfMonth) {
  EXPECT_EQ(In2026("FREQ=YEARLY;BYMONTH=10;BYMONTHDAY=1"),
            (std::vector<date::sys_days>{D(2026_y / 10 / 1)}));
  auto last_weekday = In2026("FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1");
  ASSERT_EQ(last_weekday.size(), 12u);
  EXPECT_EQ(last_weekday[0], D(2026_y / 1 / 30)) << "January 31st 2026 is a Saturday";
  EXPECT_EQ(last_weekday[4], D(2026_y / 5 / 29)) << "May 31st 2026 is a Sunday";
}

TEST(RecurrenceTest, UntilAndCountEndTheRule) {
  EXPECT_EQ(In2026("FREQ=WEEKLY;BYDAY=FR;UNTIL=20260110").size(), 2u);
  EXPECT_TRUE(In2026("FREQ=DAILY;COUNT=3").empty()) << "its three days were in January 2000";
}

TEST(RecurrenceTest, RefusesRulesThatAreNotWholeDays) {
  EXPECT_EQ(CheckRecurrence("FREQ=WEEKLY;BYDAY=FR"), std::nullopt);
  EXPECT_EQ(CheckRecurrence("FREQ=DAILY"), std::nullopt);
  for (const char* bad :
       {"", "weekly", "FREQ=WEEKLY;BYDAY=XX", "FREQ=WEEKLY;BYDAY=FR;FOO=1", "FREQ=HOURLY",
        "FREQ=MINUTELY;BYDAY=FR", "FREQ=WEEKLY", "FREQ=MONTHLY", "FREQ=YEARLY;BYMONTH=2",
        "FREQ=WEEKLY;BYDAY=FR;BYHOUR=8", "RRULE:FREQ=WEEKLY;BYDAY=FR",
        "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "FREQ=MONTHLY;BYMONTH=4;BYMONTHDAY=31"}) {
    EXPECT_NE(CheckRecurrence(bad), std::nullopt) << bad;
    EXPECT_TRUE(In2026(bad).empty()) << bad;
  }
}

TEST(RecurrenceTest, ExpansionIsBounded) {
  // Daily over three centuries: stops after kMaxRecurrenceSteps occurrences.
  auto days = RecurrenceDays("FREQ=DAILY", kRecurrenceEpoch, kRecurrenceEpoch, D(2300_y / 1 / 1));
  EXPECT_EQ(days.size(), static_cast<size_t>(kMaxRecurrenceSteps));
  // An empty range costs nothing and yields nothing.
  EXPECT_TRUE(
      RecurrenceDays("FREQ=DAILY", kRecurrenceEpoch, D(2026_y / 2 / 1), D(2026_y / 1 / 1)).empty());
}

}  // namespace
}  // namespace pingan::core

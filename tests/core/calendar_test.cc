#include "daemon/core/calendar.h"

#include <gtest/gtest.h>

#include "tests/core/schedule_fixture.h"

namespace pingan::core {
namespace {

using date::literals::operator""_y;
using pingan::testing::MakePeriod;

date::sys_days D(date::year_month_day d) {
  return date::sys_days{d};
}

TEST(CalendarTest, PeriodKindNamesRoundTrip) {
  for (auto k : {PeriodKind::kPublicHoliday, PeriodKind::kMajorEvent, PeriodKind::kSchoolTerm,
                 PeriodKind::kVacation}) {
    EXPECT_EQ(ParsePeriodKind(PeriodKindName(k)), k);
  }
  EXPECT_FALSE(ParsePeriodKind("holiday"));
}

TEST(CalendarTest, AdjustedWorkingDayIsRemovedFromTheHoliday) {
  // A holiday range that swallows a weekend, with Sunday 2026-09-27 worked (调休).
  const Period holiday =
      MakePeriod("国庆", PeriodKind::kPublicHoliday, 2026_y / 9 / 26, 2026_y / 10 / 4);
  const DayCalendar cal({&holiday}, {D(2026_y / 9 / 27)});
  EXPECT_TRUE(cal.InPeriod(D(2026_y / 9 / 26), PeriodKind::kPublicHoliday));
  EXPECT_FALSE(cal.InPeriod(D(2026_y / 9 / 27), PeriodKind::kPublicHoliday));
  EXPECT_TRUE(cal.IsAdjustedWorkingDay(D(2026_y / 9 / 27)));
  EXPECT_TRUE(cal.IsWorkingDay(D(2026_y / 9 / 27)));    // a Sunday, worked
  EXPECT_FALSE(cal.IsWorkingDay(D(2026_y / 10 / 1)));   // a Thursday, holiday
  EXPECT_TRUE(cal.IsWorkingDay(D(2026_y / 10 / 9)));    // an ordinary Friday
  EXPECT_FALSE(cal.IsWorkingDay(D(2026_y / 10 / 11)));  // an ordinary Sunday
  const auto days = cal.DaysIn({PeriodKind::kPublicHoliday});
  EXPECT_EQ(days.size(), 8u);  // 9 days in the range, one of them worked
  EXPECT_EQ(std::count(days.begin(), days.end(), D(2026_y / 9 / 27)), 0);
}

TEST(CalendarTest, AdjustedWorkingDayDoesNotCancelOtherPeriodKinds) {
  const Period holiday =
      MakePeriod("国庆", PeriodKind::kPublicHoliday, 2026_y / 9 / 26, 2026_y / 10 / 4);
  const Period event =
      MakePeriod("会议", PeriodKind::kMajorEvent, 2026_y / 9 / 27, 2026_y / 9 / 27);
  const DayCalendar cal({&holiday, &event}, {D(2026_y / 9 / 27)});
  EXPECT_TRUE(cal.InPeriod(D(2026_y / 9 / 27), PeriodKind::kMajorEvent));
  const auto days = cal.DaysIn({PeriodKind::kPublicHoliday, PeriodKind::kMajorEvent});
  EXPECT_EQ(days.size(), 9u);
}

TEST(CalendarTest, OverlappingPeriodsYieldEachDayOnce) {
  const Period a = MakePeriod("a", PeriodKind::kPublicHoliday, 2026_y / 10 / 1, 2026_y / 10 / 8);
  const Period b = MakePeriod("b", PeriodKind::kMajorEvent, 2026_y / 10 / 5, 2026_y / 10 / 12);
  const Period c = MakePeriod("c", PeriodKind::kPublicHoliday, 2026_y / 10 / 2, 2026_y / 10 / 3);
  const DayCalendar cal({&a, &b, &c}, {});
  const auto days = cal.DaysIn({PeriodKind::kPublicHoliday, PeriodKind::kMajorEvent});
  ASSERT_EQ(days.size(), 12u);
  EXPECT_EQ(days.front(), D(2026_y / 10 / 1));
  EXPECT_EQ(days.back(), D(2026_y / 10 / 12));
  EXPECT_TRUE(std::is_sorted(days.begin(), days.end()));
  // Only the kinds asked for count.
  EXPECT_EQ(cal.DaysIn({PeriodKind::kMajorEvent}).size(), 8u);
  EXPECT_TRUE(cal.DaysIn({PeriodKind::kVacation}).empty());
}

}  // namespace
}  // namespace pingan::core

#include "daemon/core/local_time.h"

#include <gtest/gtest.h>

#include "tests/core/schedule_fixture.h"

namespace pingan::core {
namespace {

using date::literals::operator""_y;
using pingan::testing::Utc;
using std::chrono::hours;
using std::chrono::minutes;

const date::time_zone& Zone(const char* name) {
  const date::time_zone* z = FindTimeZone(name);
  EXPECT_NE(z, nullptr) << name;
  return *z;
}

date::local_days Local(date::year_month_day d) {
  return date::local_days{d};
}

TEST(LocalTimeTest, ShanghaiIsAlwaysUtcPlusEight) {
  const auto& sh = Zone("Asia/Shanghai");
  EXPECT_EQ(LocalToInstant(sh, Local(2026_y / 10 / 3), hours{16}), Utc(2026_y / 10 / 3, 8));
  EXPECT_EQ(StartOfLocalDay(sh, Local(2026_y / 10 / 3)), Utc(2026_y / 10 / 2, 16));
  EXPECT_EQ(LocalDayOf(sh, Utc(2026_y / 10 / 2, 16)), Local(2026_y / 10 / 3));
  EXPECT_EQ(LocalDayOf(sh, Utc(2026_y / 10 / 2, 15, 59)), Local(2026_y / 10 / 2));
}

TEST(LocalTimeTest, GapMovesForwardToTheTransition) {
  // Berlin springs forward on 2026-03-29 at 02:00 CET to 03:00 CEST (01:00 UTC).
  const auto& berlin = Zone("Europe/Berlin");
  EXPECT_EQ(LocalToInstant(berlin, Local(2026_y / 3 / 29), hours{2} + minutes{30}),
            Utc(2026_y / 3 / 29, 1));
  EXPECT_EQ(LocalToInstant(berlin, Local(2026_y / 3 / 29), hours{3}), Utc(2026_y / 3 / 29, 1));
  EXPECT_EQ(LocalToInstant(berlin, Local(2026_y / 3 / 29), hours{1} + minutes{59}),
            Utc(2026_y / 3 / 29, 0, 59));
  // New York springs forward on 2026-03-08 at 02:00 EST to 03:00 EDT (07:00 UTC).
  const auto& ny = Zone("America/New_York");
  EXPECT_EQ(LocalToInstant(ny, Local(2026_y / 3 / 8), hours{2} + minutes{30}),
            Utc(2026_y / 3 / 8, 7));
}

TEST(LocalTimeTest, OverlapTakesTheEarlierInstant) {
  // Berlin falls back on 2026-10-25 at 03:00 CEST to 02:00 CET: 02:30 happens twice,
  // first at 00:30 UTC (CEST), then at 01:30 UTC (CET).
  const auto& berlin = Zone("Europe/Berlin");
  EXPECT_EQ(LocalToInstant(berlin, Local(2026_y / 10 / 25), hours{2} + minutes{30}),
            Utc(2026_y / 10 / 25, 0, 30));
  // New York falls back on 2026-11-01 at 02:00 EDT to 01:00 EST: 01:30 is 05:30 UTC
  // (EDT) and 06:30 UTC (EST).
  const auto& ny = Zone("America/New_York");
  EXPECT_EQ(LocalToInstant(ny, Local(2026_y / 11 / 1), hours{1} + minutes{30}),
            Utc(2026_y / 11 / 1, 5, 30));
}

TEST(LocalTimeTest, UnknownZoneIsNull) {
  EXPECT_EQ(FindTimeZone("Mars/Olympus_Mons"), nullptr);
  EXPECT_EQ(FindTimeZone(""), nullptr);
}

TEST(LocalTimeTest, MonthEnds) {
  EXPECT_EQ(LastDayOf(2026_y / 2), 2026_y / 2 / 28);
  EXPECT_EQ(LastDayOf(2028_y / 2), 2028_y / 2 / 29);
  EXPECT_EQ(LastDayOf(2026_y / 4), 2026_y / 4 / 30);
  EXPECT_EQ(DayOrLastOfMonth(2026_y / 2, 30), 2026_y / 2 / 28);
  EXPECT_EQ(DayOrLastOfMonth(2028_y / 2, 30), 2028_y / 2 / 29);
  EXPECT_EQ(DayOrLastOfMonth(2026_y / 4, 31), 2026_y / 4 / 30);
  EXPECT_EQ(DayOrLastOfMonth(2026_y / 1, 30), 2026_y / 1 / 30);
}

TEST(LocalTimeTest, ParsesAndFormatsDates) {
  EXPECT_EQ(ParseDate("2028-02-29"), 2028_y / 2 / 29);
  EXPECT_FALSE(ParseDate("2026-02-29"));
  EXPECT_FALSE(ParseDate("2026-2-28"));
  EXPECT_FALSE(ParseDate("2026-02-28x"));
  EXPECT_FALSE(ParseDate("2026-13-01"));
  EXPECT_EQ(FormatDate(2026_y / 10 / 3), "2026-10-03");
  EXPECT_EQ(FormatYearMonth(2026_y / 2), "2026-02");
}

TEST(LocalTimeTest, ParsesTimesOfDay) {
  EXPECT_EQ(ParseTimeOfDay("16:00"), hours{16});
  EXPECT_EQ(ParseTimeOfDay("9:30"), hours{9} + minutes{30});
  EXPECT_EQ(ParseTimeOfDay("00:00"), minutes{0});
  EXPECT_FALSE(ParseTimeOfDay("24:00"));
  EXPECT_FALSE(ParseTimeOfDay("12:60"));
  EXPECT_FALSE(ParseTimeOfDay("1200"));
  EXPECT_FALSE(ParseTimeOfDay("12:00:00"));
  EXPECT_EQ(FormatTimeOfDay(hours{9} + minutes{5}), "09:05");
}

TEST(LocalTimeTest, ParsesDurations) {
  EXPECT_EQ(ParseDuration("0"), Millis{0});
  EXPECT_EQ(ParseDuration("30m"), minutes{30});
  EXPECT_EQ(ParseDuration("1h30m"), minutes{90});
  EXPECT_EQ(ParseDuration("2d"), hours{48});
  EXPECT_EQ(ParseDuration("45s"), std::chrono::seconds{45});
  EXPECT_EQ(ParseDuration("250ms"), Millis{250});
  EXPECT_FALSE(ParseDuration(""));
  EXPECT_FALSE(ParseDuration("30"));
  EXPECT_FALSE(ParseDuration("-5m"));
  EXPECT_FALSE(ParseDuration("5 m"));
  EXPECT_FALSE(ParseDuration("5y"));
  for (const char* text : {"1h30m", "2d", "45s", "1d2h3m4s5ms"}) {
    EXPECT_EQ(FormatDuration(*ParseDuration(text)), text);
  }
}

}  // namespace
}  // namespace pingan::core

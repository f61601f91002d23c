#include "daemon/core/drill_clock.h"

#include <date/date.h>
#include <gtest/gtest.h>

#include "tests/fakes/fake_clock.h"

namespace pingan::core {
namespace {

using namespace std::chrono_literals;

TEST(DrillClock, StartsAtTheChosenInstantAndRunsAtItsSpeed) {
  testing::FakeClock base(FromUnixMillis(5'000'000));
  const Instant start = date::sys_days{date::year{2026} / 10 / 1};
  DrillClock drill(base, start, 60.0);
  EXPECT_EQ(drill.Now(), start);
  base.Advance(1min);
  EXPECT_EQ(drill.Now(), start + 1h) << "one base minute is a simulated hour at 60x";
}

TEST(DrillClock, AdvanceJumpsForwardOnlyAndAddsToTheRunningPace) {
  testing::FakeClock base(FromUnixMillis(0));
  const Instant start = date::sys_days{date::year{2026} / 10 / 1};
  DrillClock drill(base, start, 2.0);
  drill.Advance(2h);
  base.Advance(30s);
  EXPECT_EQ(drill.Now(), start + 2h + 1min);
  EXPECT_THROW(drill.Advance(-1s), std::invalid_argument);
  EXPECT_THROW(DrillClock(base, start, 0.0), std::invalid_argument);
}

}  // namespace
}  // namespace pingan::core

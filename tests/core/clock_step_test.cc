#include "daemon/core/clock_step.h"

#include <gtest/gtest.h>

namespace pingan::core {
namespace {

using namespace std::chrono_literals;

const Instant kT0 = FromUnixMillis(1'790'000'000'000);

TEST(ClockStepGuard, ClocksThatMoveTogetherHoldNothing) {
  ClockStepGuard guard;
  EXPECT_FALSE(guard.Observe(kT0, 0ms));
  // A day of one-second ticks, with NTP-sized slews of up to the threshold.
  for (int i = 1; i <= 86'400; ++i) {
    const Millis drift = (i % 2 == 0) ? 119'000ms : 0ms;
    ASSERT_FALSE(guard.Observe(kT0 + i * 1000ms + drift, i * 1000ms + Millis{0})) << i;
  }
  EXPECT_FALSE(guard.Limit(86'400'000ms));
}

TEST(ClockStepGuard, AForwardStepHoldsDecisionsWhereTheClockShouldBe) {
  ClockStepGuard guard({.threshold = 2min, .settle = std::nullopt});
  guard.Observe(kT0, 10s);
  // One real second later the wall clock says a day later.
  auto step = guard.Observe(kT0 + 24h + 1s, 11s);
  ASSERT_TRUE(step);
  EXPECT_EQ(step->size, 24h);
  EXPECT_EQ(step->hold_at, kT0 + 1s);
  EXPECT_EQ(guard.Limit(11s), kT0 + 1s);
  // It stays held however long nobody confirms (no settle time), and later readings
  // that move together do not end it.
  guard.Observe(kT0 + 24h + 1h, 1h + 10s);
  EXPECT_EQ(guard.Limit(1h + 10s), kT0 + 1s);
  EXPECT_TRUE(guard.Confirm());
  EXPECT_FALSE(guard.Limit(1h + 11s));
  EXPECT_FALSE(guard.Confirm());
}

TEST(ClockStepGuard, ABackwardStepHoldsAtTheEarlierTime) {
  ClockStepGuard guard({.threshold = 2min, .settle = std::nullopt});
  guard.Observe(kT0, 0ms);
  auto step = guard.Observe(kT0 - 3h, 1s);
  ASSERT_TRUE(step);
  EXPECT_EQ(step->size, -3h - 1s);
  EXPECT_EQ(step->hold_at, kT0 - 3h);
}

TEST(ClockStepGuard, AHoldEndsByItselfAfterTheSettleTime) {
  ClockStepGuard guard({.threshold = 2min, .settle = 30min});
  guard.Observe(kT0, 0ms);
  ASSERT_TRUE(guard.Observe(kT0 + 6h, 1s));
  EXPECT_EQ(guard.Limit(1s + 29min), kT0 + 1s);
  EXPECT_FALSE(guard.Limit(1s + 30min));
  EXPECT_FALSE(guard.held());
}

TEST(ClockStepGuard, ASecondStepKeepsTheEarliestHoldPoint) {
  ClockStepGuard guard({.threshold = 2min, .settle = 30min});
  guard.Observe(kT0, 0ms);
  ASSERT_TRUE(guard.Observe(kT0 + 1h, 1s));  // hold at kT0 + 1s
  ASSERT_TRUE(guard.Observe(kT0 + 5h, 2s));  // another hour jump
  EXPECT_EQ(guard.Limit(2s), kT0 + 1s);
  EXPECT_EQ(guard.held()->size, 4h - 1s);     // the latest step's size
  EXPECT_EQ(guard.held()->ends, 2s + 30min);  // the settle time starts again
}

TEST(ClockStepGuard, JustOverTheThresholdIsAStepAndJustUnderIsNot) {
  ClockStepGuard guard({.threshold = 2min, .settle = std::nullopt});
  guard.Observe(kT0, 0ms);
  EXPECT_FALSE(guard.Observe(kT0 + 1s + 2min, 1s));
  EXPECT_TRUE(guard.Observe(kT0 + 2s + 4min + 1ms, 2s));
}

}  // namespace
}  // namespace pingan::core

// A full disk fails every batch until space returns: the log gets the first failure,
// every 1000th, and the end of the streak, not a line per batch.
#include "daemon/core/failure_streak.h"

#include <gtest/gtest.h>

namespace pingan::core {
namespace {

TEST(FailureStreakTest, LogsTheFirstAndEveryNthFailureAndTheEnd) {
  FailureStreak streak(1000);
  EXPECT_EQ(streak.Succeed(), 0u) << "no streak: nothing to report";
  int logged = 0;
  for (int i = 0; i < 19'000; ++i) logged += streak.Fail() ? 1 : 0;
  EXPECT_EQ(logged, 19) << "19,000 failed batches in 20 s became 19 lines";
  EXPECT_EQ(streak.failures(), 19'000u);
  EXPECT_EQ(streak.Succeed(), 19'000u);
  EXPECT_TRUE(streak.Fail()) << "a new streak is logged at once";
}

TEST(FailureStreakTest, EveryFailureWhenAskedForEveryOne) {
  FailureStreak streak(1);
  EXPECT_TRUE(streak.Fail());
  EXPECT_TRUE(streak.Fail());
  EXPECT_EQ(streak.Succeed(), 2u);
}

}  // namespace
}  // namespace pingan::core

#include "daemon/core/rate_limiter.h"

#include <gtest/gtest.h>

#include <string>

namespace pingan::core {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

const Instant kT0 = FromUnixMillis(1'790'000'000'000);

int TakeMany(RateLimiter& limiter, const std::string& key, int n, Instant now) {
  int taken = 0;
  for (int i = 0; i < n; ++i) taken += limiter.Take(key, now) ? 1 : 0;
  return taken;
}

TEST(RateLimiterTest, BurstThenSteadyRate) {
  RateLimiter limiter({.per_second = 20, .burst = 200});
  EXPECT_EQ(TakeMany(limiter, "sch-a", 500, kT0), 200);
  EXPECT_TRUE(limiter.Take("sch-a", kT0 + milliseconds{50})) << "one report per 50 ms";
  EXPECT_FALSE(limiter.Take("sch-a", kT0 + milliseconds{50}));
  EXPECT_EQ(TakeMany(limiter, "sch-a", 100, kT0 + seconds{2} + milliseconds{50}), 40);
}

TEST(RateLimiterTest, RefillStopsAtTheBurst) {
  RateLimiter limiter({.per_second = 20, .burst = 200});
  EXPECT_EQ(TakeMany(limiter, "sch-a", 200, kT0), 200);
  EXPECT_EQ(TakeMany(limiter, "sch-a", 1000, kT0 + std::chrono::hours{24 * 365}), 200);
}

TEST(RateLimiterTest, SchoolsHaveTheirOwnBuckets) {
  RateLimiter limiter({.per_second = 1, .burst = 3});
  EXPECT_EQ(TakeMany(limiter, "sch-a", 10, kT0), 3);
  EXPECT_EQ(TakeMany(limiter, "sch-b", 10, kT0), 3) << "a's flood does not cost b";
}

TEST(RateLimiterTest, AClockGoingBackRefillsNothing) {
  RateLimiter limiter({.per_second = 10, .burst = 1});
  EXPECT_TRUE(limiter.Take("sch-a", kT0));
  EXPECT_FALSE(limiter.Take("sch-a", kT0 - seconds{10}));
  EXPECT_FALSE(limiter.Take("sch-a", kT0 + milliseconds{99}));
  EXPECT_TRUE(limiter.Take("sch-a", kT0 + milliseconds{200}));
}

TEST(RateLimiterTest, FullBucketsAreForgottenSoMemoryIsBounded) {
  RateLimiter limiter({.per_second = 10, .burst = 2}, /*max_keys=*/8);
  for (int i = 0; i < 1000; ++i) {
    limiter.Take("peer-" + std::to_string(i), kT0 + seconds{i});
    EXPECT_LE(limiter.keys(), 8u);
  }
  // A busy school keeps its bucket when a refilled one makes room.
  RateLimiter busy({.per_second = 1, .burst = 2}, /*max_keys=*/2);
  EXPECT_EQ(TakeMany(busy, "hot", 5, kT0), 2);
  EXPECT_TRUE(busy.Take("idle", kT0));
  EXPECT_TRUE(busy.Take("new", kT0 + seconds{1}));  // "idle" is full again: dropped
  EXPECT_EQ(busy.keys(), 2u);
  EXPECT_EQ(TakeMany(busy, "hot", 5, kT0 + seconds{1}), 1) << "hot's bucket was kept";
}

}  // namespace
}  // namespace pingan::core

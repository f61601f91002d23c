#include "daemon/core/log_limiter.h"

#include <gtest/gtest.h>

#include <string>

namespace pingan::core {
namespace {

using std::chrono::seconds;

const Instant kT0 = FromUnixMillis(1'790'000'000'000);

// Allows `n` lines of `key` at `now`; returns how many were allowed.
int AllowMany(LogLimiter& limiter, const std::string& key, int n, Instant now) {
  int allowed = 0;
  for (int i = 0; i < n; ++i) allowed += limiter.Allow(key, now) ? 1 : 0;
  return allowed;
}

TEST(LogLimiterTest, FirstLinesPerKeyThenOneSummaryWhenTheWindowEnds) {
  LogLimiter limiter({.per_key = 3, .total = 100, .window = seconds{60}, .max_keys = 16});
  EXPECT_EQ(AllowMany(limiter, "rejected malformed from a", 1000, kT0), 3);
  EXPECT_TRUE(limiter.TakeSummaries(kT0 + seconds{59}).empty()) << "window still open";
  const auto summaries = limiter.TakeSummaries(kT0 + seconds{60});
  ASSERT_EQ(summaries.size(), 1u);
  EXPECT_EQ(summaries[0].key, "rejected malformed from a");
  EXPECT_EQ(summaries[0].count, 997u);
  EXPECT_EQ(limiter.keys(), 0u) << "an ended window is forgotten";
  EXPECT_EQ(limiter.suppressed(), 997u);
  // A new window writes again.
  EXPECT_TRUE(limiter.Allow("rejected malformed from a", kT0 + seconds{61}));
}

TEST(LogLimiterTest, KeysAreIndependent) {
  LogLimiter limiter({.per_key = 2, .total = 100, .window = seconds{60}, .max_keys = 16});
  EXPECT_EQ(AllowMany(limiter, "bad_report_id from a", 5, kT0), 2);
  EXPECT_EQ(AllowMany(limiter, "bad_date from a", 5, kT0), 2);
  EXPECT_EQ(AllowMany(limiter, "bad_report_id from b", 5, kT0), 2);
  EXPECT_EQ(limiter.TakeSummaries(kT0 + seconds{60}).size(), 3u);
}

TEST(LogLimiterTest, NoSummaryWhenNothingWasSuppressed) {
  LogLimiter limiter({.per_key = 5, .total = 100, .window = seconds{60}, .max_keys = 16});
  EXPECT_EQ(AllowMany(limiter, "k", 5, kT0), 5);
  EXPECT_TRUE(limiter.TakeSummaries(kT0 + seconds{120}).empty());
}

TEST(LogLimiterTest, ManyPeersShareATotalBudgetPlusOneSummary) {
  LogLimiter limiter({.per_key = 5, .total = 20, .window = seconds{60}, .max_keys = 100000});
  int written = 0;
  for (int peer = 0; peer < 10000; ++peer) {
    written += AllowMany(limiter, "refused from 10.0." + std::to_string(peer), 3, kT0);
    written += static_cast<int>(limiter.TakeSummaries(kT0).size());
  }
  EXPECT_EQ(written, 20);
  // The budget is spent: the 9,993 keys' summaries fold into one overall line.
  const auto summaries = limiter.TakeSummaries(kT0 + seconds{60});
  ASSERT_EQ(summaries.size(), 1u);
  EXPECT_EQ(summaries[0].key, "");
  EXPECT_EQ(summaries[0].count, 30000u - 20u);
  EXPECT_TRUE(limiter.idle());
  EXPECT_EQ(limiter.suppressed(), 30000u - 20u);
}

TEST(LogLimiterTest, MemoryIsBoundedByEvictingTheOldestKey) {
  LogLimiter limiter({.per_key = 1, .total = 1000000, .window = seconds{60}, .max_keys = 4});
  for (int peer = 0; peer < 1000; ++peer) {
    AllowMany(limiter, "p" + std::to_string(peer), 2, kT0 + std::chrono::milliseconds{peer});
    EXPECT_LE(limiter.keys(), 4u);
  }
  // Evicted keys owe their summaries at once.
  const auto summaries = limiter.TakeSummaries(kT0 + std::chrono::milliseconds{1000});
  EXPECT_EQ(summaries.size(), 996u);
  EXPECT_EQ(summaries.front().key, "p0");
  EXPECT_EQ(summaries.front().count, 1u);
}

}  // namespace
}  // namespace pingan::core

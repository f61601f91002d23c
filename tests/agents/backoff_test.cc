#include "agents/backoff.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

namespace pingan::agent {
namespace {

using core::Millis;
using std::chrono::seconds;

// Always draws the same value: pins the ends of the range.
class FixedRandom final : public RandomSource {
 public:
  explicit FixedRandom(double value) : value_(value) {}
  double Uniform01() override { return value_; }

 private:
  double value_;
};

const BackoffPolicy kPolicy{seconds{1}, seconds{60}, 2.0, Jitter::kFull};

TEST(BackoffTest, FullJitterStaysWithinTheGrowingCeiling) {
  SeededRandom random(7);
  Millis previous_ceiling{0};
  for (int attempt = 1; attempt <= 12; ++attempt) {
    const Millis ceiling = BackoffCeiling(kPolicy, attempt, Millis{0});
    // min * 2^(attempt-1), capped at max.
    const Millis expected = std::min<Millis>(Millis{1000LL << (attempt - 1)}, seconds{60});
    EXPECT_EQ(ceiling, expected) << "attempt " << attempt;
    EXPECT_GE(ceiling, previous_ceiling);
    previous_ceiling = ceiling;
    for (int i = 0; i < 200; ++i) {
      const Millis d = BackoffDelay(kPolicy, attempt, Millis{0}, random);
      ASSERT_GE(d, kPolicy.min);
      ASSERT_LE(d, ceiling);
    }
  }
  EXPECT_EQ(previous_ceiling, kPolicy.max);
}

TEST(BackoffTest, DelaysGrowAndSpreadOut) {
  SeededRandom random(11);
  auto draws = [&](int attempt) {
    std::vector<Millis> v;
    for (int i = 0; i < 400; ++i) v.push_back(BackoffDelay(kPolicy, attempt, Millis{0}, random));
    std::sort(v.begin(), v.end());
    return v;
  };
  const auto third = draws(3);  // ceiling 4 s
  const auto sixth = draws(6);  // ceiling 32 s
  // The median grows with the attempt number...
  EXPECT_GT(sixth[200], third[200] * 3);
  // ...and agents spread over the whole range instead of resending together.
  EXPECT_LT(sixth.front(), seconds{8});
  EXPECT_GT(sixth.back(), seconds{24});
}

TEST(BackoffTest, EndsOfTheRange) {
  FixedRandom low(0.0);
  FixedRandom high(0.999999);
  EXPECT_EQ(BackoffDelay(kPolicy, 5, Millis{0}, low), kPolicy.min);
  EXPECT_GE(BackoffDelay(kPolicy, 5, Millis{0}, high), Millis{15900});
  EXPECT_LE(BackoffDelay(kPolicy, 5, Millis{0}, high), seconds{16});
  // Very many attempts neither overflow nor exceed the cap.
  EXPECT_EQ(BackoffCeiling(kPolicy, 100000, Millis{0}), kPolicy.max);
  EXPECT_LE(BackoffDelay(kPolicy, 100000, Millis{0}, high), kPolicy.max);
}

TEST(BackoffTest, DecorrelatedJitterGrowsFromThePreviousDelay) {
  BackoffPolicy policy = kPolicy;
  policy.jitter = Jitter::kDecorrelated;
  policy.factor = 3.0;
  SeededRandom random(3);
  Millis previous{0};
  for (int attempt = 1; attempt <= 30; ++attempt) {
    const Millis d = BackoffDelay(policy, attempt, previous, random);
    ASSERT_GE(d, policy.min);
    ASSERT_LE(d, std::min<Millis>(policy.max, std::max(previous, policy.min) * 3));
    previous = d;
  }
  FixedRandom high(0.999999);
  EXPECT_GE(BackoffDelay(policy, 2, seconds{10}, high), Millis{29900});
}

TEST(BackoffTest, SameSeedSameSchedule) {
  SeededRandom a(99);
  SeededRandom b(99);
  SeededRandom c(100);
  std::vector<Millis> first, second, third;
  for (int attempt = 1; attempt <= 8; ++attempt) {
    first.push_back(BackoffDelay(kPolicy, attempt, Millis{0}, a));
    second.push_back(BackoffDelay(kPolicy, attempt, Millis{0}, b));
    third.push_back(BackoffDelay(kPolicy, attempt, Millis{0}, c));
  }
  EXPECT_EQ(first, second);
  EXPECT_NE(first, third);
}

TEST(BackoffTest, SodiumRandomIsInRange) {
  SodiumRandom random;
  for (int i = 0; i < 1000; ++i) {
    const double x = random.Uniform01();
    ASSERT_GE(x, 0.0);
    ASSERT_LT(x, 1.0);
  }
}

TEST(BackoffTest, PolicyChecks) {
  EXPECT_EQ(CheckBackoffPolicy(kPolicy), "");
  EXPECT_NE(CheckBackoffPolicy({Millis{0}, seconds{1}, 2.0, Jitter::kFull}), "");
  EXPECT_NE(CheckBackoffPolicy({seconds{2}, seconds{1}, 2.0, Jitter::kFull}), "");
  EXPECT_NE(CheckBackoffPolicy({seconds{1}, seconds{2}, 0.5, Jitter::kFull}), "");
}

}  // namespace
}  // namespace pingan::agent

// LoginThrottle with the clock moved by hand: a guesser locks out only its own
// (user, address) pair, an address spraying names locks itself, many addresses
// guessing one user are slowed without shutting out a clean address, and memory stays
// bounded whatever is thrown at it.
#include "daemon/console/login_throttle.h"

#include <gtest/gtest.h>

#include <string>

namespace pingan::console {
namespace {

using namespace std::chrono_literals;

const core::Instant kT0 = core::FromUnixMillis(1'780'000'000'000);

class LoginThrottleTest : public ::testing::Test {
 protected:
  void FailTimes(const std::string& user, const std::string& address, int n) {
    for (int i = 0; i < n; ++i) throttle_.RecordFailure(user, address, now_);
  }
  ThrottleVerdict Check(const std::string& user, const std::string& address) const {
    return throttle_.Check(user, address, now_);
  }

  core::Instant now_ = kT0;
  LoginThrottle throttle_{ThrottleOptions{}};  // 5 free, 30 s .. 15 min, 30/address, 10/min
};

TEST_F(LoginThrottleTest, AGuessingAddressLocksOnlyItselfOutOfThatUser) {
  FailTimes("duty", "127.0.0.2", 5);
  EXPECT_FALSE(Check("duty", "127.0.0.2").refused()) << "five failures are free";
  FailTimes("duty", "127.0.0.2", 1);
  const ThrottleVerdict locked = Check("duty", "127.0.0.2");
  EXPECT_EQ(locked.retry_after, 30s);
  EXPECT_EQ(locked.reason, "user_address");
  // The user from another address, and another user from the guessing address, go on.
  EXPECT_FALSE(Check("duty", "127.0.0.1").refused());
  EXPECT_FALSE(Check("admin", "127.0.0.2").refused());
}

TEST_F(LoginThrottleTest, LockoutsDoubleUpToTheCapAndASuccessClearsThePair) {
  FailTimes("duty", "10.1.1.1", 6);
  std::vector<core::Millis> waits;
  for (int i = 0; i < 8; ++i) {
    const core::Millis wait = Check("duty", "10.1.1.1").retry_after;
    waits.push_back(wait);
    now_ += wait;
    FailTimes("duty", "10.1.1.1", 1);
  }
  EXPECT_EQ(waits, (std::vector<core::Millis>{30s, 60s, 120s, 240s, 480s, 900s, 900s, 900s}));
  now_ += 15min;
  throttle_.RecordSuccess("duty", "10.1.1.1");
  FailTimes("duty", "10.1.1.1", 5);
  EXPECT_FALSE(Check("duty", "10.1.1.1").refused()) << "the count starts again";
}

TEST_F(LoginThrottleTest, OneAddressSprayingManyNamesLocksThatAddress) {
  for (int i = 0; i < 30; ++i) FailTimes("name-" + std::to_string(i), "192.0.2.7", 1);
  EXPECT_FALSE(Check("admin", "192.0.2.7").refused()) << "thirty are free";
  FailTimes("name-30", "192.0.2.7", 1);
  const ThrottleVerdict v = Check("admin", "192.0.2.7");
  EXPECT_EQ(v.retry_after, 30s);
  EXPECT_EQ(v.reason, "address");
  EXPECT_FALSE(Check("admin", "192.0.2.8").refused()) << "other addresses are unaffected";
  // A success of the sprayer's own account does not reset its address.
  throttle_.RecordSuccess("mine", "192.0.2.7");
  EXPECT_TRUE(Check("admin", "192.0.2.7").refused());
}

TEST_F(LoginThrottleTest, ManyAddressesGuessingOneUserAreSlowedButACleanAddressIsHeard) {
  // A botnet: 20 addresses, one wrong guess each within the minute (the ceiling is 10).
  for (int i = 0; i < 20; ++i) {
    FailTimes("duty", "203.0.113." + std::to_string(i), 1);
    now_ += 1s;
  }
  const ThrottleVerdict slowed = Check("duty", "203.0.113.3");
  EXPECT_TRUE(slowed.refused());
  EXPECT_EQ(slowed.reason, "user_rate");
  EXPECT_EQ(slowed.retry_after, 40s) << "until the counted minute is over";
  // The owner, from the address they always use, is never refused.
  EXPECT_FALSE(Check("duty", "10.0.0.1").refused());
  EXPECT_FALSE(Check("duty", "203.0.114.1").refused()) << "any address without failures";
  // Other users are not slowed.
  EXPECT_FALSE(Check("admin", "203.0.113.3").refused());
  // Once the minute is over (and the rate is under the ceiling), everyone is heard.
  now_ += 40s;
  EXPECT_FALSE(Check("duty", "203.0.113.3").refused());
}

TEST_F(LoginThrottleTest, TheCeilingNeverLocksTheRightUserOutEvenUnderAFlood) {
  // 5,000 addresses, each guessing until its pair is locked: the owner from a clean
  // address is still heard at every moment.
  for (int i = 0; i < 5000; ++i) {
    FailTimes("duty", "198.18." + std::to_string(i / 250) + "." + std::to_string(i % 250), 6);
    if (i % 500 == 0) now_ += 7s;
    ASSERT_FALSE(Check("duty", "10.0.0.1").refused()) << i;
  }
}

TEST_F(LoginThrottleTest, MemoryIsBoundedAndTheOldestFailuresGoFirst) {
  ThrottleOptions options;
  options.max_entries = 100;
  LoginThrottle small(options);
  for (int i = 0; i < 10000; ++i) {
    small.RecordFailure("user-" + std::to_string(i), "10.9." + std::to_string(i), now_);
    now_ += 1ms;
  }
  EXPECT_LE(small.size(), 300u) << "100 pairs, 100 addresses, 100 users at most";
  // The newest lockouts are kept: a guesser that just failed six times stays locked.
  for (int i = 0; i < 6; ++i) small.RecordFailure("duty", "10.8.0.1", now_);
  EXPECT_TRUE(small.Check("duty", "10.8.0.1", now_).refused());
  EXPECT_LE(small.size(), 300u);
  // Very long names cost no more than short ones.
  small.RecordFailure(std::string(1 << 20, 'x'), "10.8.0.2", now_);
  small.RecordFailure(std::string(1 << 20, 'x') + "y", "10.8.0.2", now_);
  EXPECT_LE(small.size(), 300u);
}

TEST_F(LoginThrottleTest, QuietKeysAreForgottenAfterADay) {
  for (int i = 0; i < 50; ++i) FailTimes("u" + std::to_string(i), "10.7.0." + std::to_string(i), 1);
  EXPECT_EQ(throttle_.size(), 150u);
  now_ += 25h;
  FailTimes("late", "10.7.1.1", 1);
  EXPECT_EQ(throttle_.size(), 3u);
}

TEST_F(LoginThrottleTest, NamesAndAddressesCannotBeConfusedInThePairKey) {
  // "a@b" from "c" and "a" from "b@c" must be different pairs.
  FailTimes("a@b", "c", 6);
  EXPECT_TRUE(Check("a@b", "c").refused());
  EXPECT_FALSE(Check("a", "b@c").refused());
}

}  // namespace
}  // namespace pingan::console

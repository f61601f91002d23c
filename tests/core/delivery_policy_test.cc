#include "daemon/core/delivery_policy.h"

#include <gtest/gtest.h>

#include "tests/core/escalation_fixture.h"

namespace pingan::core {
namespace {

using namespace std::chrono_literals;
using testing::Cst;

GroupedMessage Message(std::vector<GroupedAlert> alerts = {{"a1", "s01", 1, 0}}) {
  GroupedMessage m;
  m.recipient = Recipient{"王五", "13800000001", "wang@example.cn", ""};
  m.channels = {ChannelKind::kSms, ChannelKind::kEmail};
  m.alerts = std::move(alerts);
  return m;
}

const RetryPolicy kPolicy{};  // 30 s doubling to 30 min, +-20 %, 6 attempts per channel

TEST(DeliveryPolicyTest, HttpStatusClasses) {
  EXPECT_EQ(ClassifyHttpStatus(200), DeliveryStatus::kDelivered);
  EXPECT_EQ(ClassifyHttpStatus(204), DeliveryStatus::kDelivered);
  EXPECT_EQ(ClassifyHttpStatus(400), DeliveryStatus::kPermanentFailure);
  EXPECT_EQ(ClassifyHttpStatus(401), DeliveryStatus::kPermanentFailure);
  EXPECT_EQ(ClassifyHttpStatus(404), DeliveryStatus::kPermanentFailure);
  EXPECT_EQ(ClassifyHttpStatus(408), DeliveryStatus::kTransientFailure);
  EXPECT_EQ(ClassifyHttpStatus(429), DeliveryStatus::kTransientFailure);
  EXPECT_EQ(ClassifyHttpStatus(500), DeliveryStatus::kTransientFailure);
  EXPECT_EQ(ClassifyHttpStatus(503), DeliveryStatus::kTransientFailure);
  EXPECT_EQ(ClassifyHttpStatus(301), DeliveryStatus::kPermanentFailure);
}

TEST(DeliveryPolicyTest, BackoffDoublesUpToTheCapWithBoundedJitter) {
  // random 0.5 is the middle of the jitter range: no jitter.
  EXPECT_EQ(BackoffDelay(kPolicy, 1, 0.5), 30s);
  EXPECT_EQ(BackoffDelay(kPolicy, 2, 0.5), 60s);
  EXPECT_EQ(BackoffDelay(kPolicy, 3, 0.5), 120s);
  EXPECT_EQ(BackoffDelay(kPolicy, 20, 0.5), 30min);
  EXPECT_EQ(BackoffDelay(kPolicy, 1, 0.0), 24s);  // -20 %
  EXPECT_GE(BackoffDelay(kPolicy, 1, 0.999), 35900ms);
  EXPECT_LE(BackoffDelay(kPolicy, 1, 0.999), 36s);
  EXPECT_LE(BackoffDelay(kPolicy, 20, 0.999), 30min);  // never above the cap
}

TEST(DeliveryPolicyTest, TransientFailureRetriesWithBackoff) {
  const OutboxRow row = NewOutboxRow(Message(), Cst(3, 16));
  auto out = OnDeliveryResult(row, DeliveryResult::Transient("SMS gateway answered HTTP 503"),
                              kPolicy, Cst(3, 16), 0.5);
  EXPECT_EQ(out.row.status, OutboxStatus::kPending);
  EXPECT_EQ(out.row.channel_attempts, 1);
  EXPECT_EQ(out.row.next_attempt_at, Cst(3, 16) + 30s);
  EXPECT_EQ(out.row.last_error, "SMS gateway answered HTTP 503");
  EXPECT_FALSE(out.notice.has_value());
  out = OnDeliveryResult(out.row, DeliveryResult::Transient("again"), kPolicy, Cst(3, 16, 1), 0.5);
  EXPECT_EQ(out.row.next_attempt_at, Cst(3, 16, 1) + 60s);
}

TEST(DeliveryPolicyTest, RetryAfterIsHonouredAndCapped) {
  const OutboxRow row = NewOutboxRow(Message(), Cst(3, 16));
  auto out =
      OnDeliveryResult(row, DeliveryResult::Transient("429", 120s), kPolicy, Cst(3, 16), 0.5);
  EXPECT_EQ(out.row.next_attempt_at, Cst(3, 16) + 120s);
  out = OnDeliveryResult(row, DeliveryResult::Transient("429", 5h), kPolicy, Cst(3, 16), 0.5);
  EXPECT_EQ(out.row.next_attempt_at, Cst(3, 16) + kPolicy.max_retry_after);
}

TEST(DeliveryPolicyTest, PermanentFailureFallsBackToTheNextChannel) {
  const OutboxRow row = NewOutboxRow(Message(), Cst(3, 16));
  EXPECT_EQ(CurrentChannel(row), ChannelKind::kSms);
  auto out = OnDeliveryResult(row, DeliveryResult::Permanent("SMS gateway answered HTTP 400"),
                              kPolicy, Cst(3, 16, 1), 0.5);
  EXPECT_EQ(out.row.status, OutboxStatus::kPending);
  EXPECT_EQ(CurrentChannel(out.row), ChannelKind::kEmail);
  EXPECT_EQ(out.row.channel_attempts, 0);
  EXPECT_EQ(out.row.next_attempt_at, Cst(3, 16, 1));  // try e-mail right away
  ASSERT_TRUE(out.notice.has_value());
  EXPECT_EQ(out.notice->failed_channel, ChannelKind::kSms);
  EXPECT_EQ(out.notice->next_channel, ChannelKind::kEmail);
  const std::string text = DescribeNotice(*out.notice, row.recipient);
  EXPECT_NE(text.find("王五"), std::string::npos);
  EXPECT_NE(text.find("HTTP 400"), std::string::npos);

  out = OnDeliveryResult(out.row, DeliveryResult::Permanent("SMTP server refused (550)"), kPolicy,
                         Cst(3, 16, 2), 0.5);
  EXPECT_EQ(out.row.status, OutboxStatus::kFailed);
  ASSERT_TRUE(out.notice.has_value());
  EXPECT_FALSE(out.notice->next_channel.has_value());
}

TEST(DeliveryPolicyTest, AnUnreadableRowFailsWithoutTryingTheOtherChannels) {
  OutboxRow row = NewOutboxRow(Message(), Cst(3, 16));
  row.unreadable = "unknown message template 'x'";
  const auto out =
      OnDeliveryResult(row, DeliveryResult::Permanent(row.unreadable), kPolicy, Cst(3, 16), 0.5);
  EXPECT_EQ(out.row.status, OutboxStatus::kFailed);
  ASSERT_TRUE(out.notice.has_value());
  EXPECT_FALSE(out.notice->next_channel.has_value());
}

TEST(DeliveryPolicyTest, TooManyTransientFailuresAlsoFallBack) {
  OutboxRow row = NewOutboxRow(Message(), Cst(3, 16));
  Instant now = Cst(3, 16);
  for (int i = 1; i < kPolicy.max_attempts_per_channel; ++i) {
    row = OnDeliveryResult(row, DeliveryResult::Transient("timeout"), kPolicy, now, 0.5).row;
    ASSERT_EQ(CurrentChannel(row), ChannelKind::kSms);
    now = row.next_attempt_at;
  }
  const auto out = OnDeliveryResult(row, DeliveryResult::Transient("timeout"), kPolicy, now, 0.5);
  EXPECT_EQ(CurrentChannel(out.row), ChannelKind::kEmail);
  EXPECT_TRUE(out.notice.has_value());
}

TEST(DeliveryPolicyTest, GivesUpWhenTooOld) {
  const OutboxRow row = NewOutboxRow(Message(), Cst(3, 16));
  const auto out = OnDeliveryResult(row, DeliveryResult::Transient("timeout"), kPolicy,
                                    Cst(3, 16) + kPolicy.give_up_after, 0.5);
  EXPECT_EQ(out.row.status, OutboxStatus::kFailed);
  ASSERT_TRUE(out.notice.has_value());
  EXPECT_FALSE(out.notice->next_channel.has_value());
}

TEST(DeliveryPolicyTest, DeliveredRowIgnoresLaterResults) {
  const OutboxRow row = NewOutboxRow(Message(), Cst(3, 16));
  auto out = OnDeliveryResult(row, DeliveryResult::Delivered(), kPolicy, Cst(3, 16, 0), 0.5);
  EXPECT_EQ(out.row.status, OutboxStatus::kDelivered);
  EXPECT_EQ(out.row.delivered_at, Cst(3, 16));
  const auto dup = OnDeliveryResult(out.row, DeliveryResult::Permanent("late duplicate"), kPolicy,
                                    Cst(3, 16, 1), 0.5);
  EXPECT_EQ(dup.row.status, OutboxStatus::kDelivered);
  EXPECT_FALSE(dup.notice.has_value());
}

TEST(DeliveryPolicyTest, IdempotencyKeysDistinguishWhatMatters) {
  const OutboxRow base = NewOutboxRow(Message(), Cst(3, 16));
  EXPECT_EQ(IdempotencyKey(base), IdempotencyKey(NewOutboxRow(Message(), Cst(3, 17))));
  OutboxRow email = base;
  email.channel_index = 1;
  EXPECT_NE(IdempotencyKey(base), IdempotencyKey(email));
  EXPECT_NE(IdempotencyKey(base),
            IdempotencyKey(NewOutboxRow(Message({{"a1", "s01", 2, 0}}), Cst(3, 16))));
  EXPECT_NE(IdempotencyKey(base),
            IdempotencyKey(NewOutboxRow(Message({{"a1", "s01", 1, 1}}), Cst(3, 16))));
  EXPECT_NE(IdempotencyKey(base),
            IdempotencyKey(NewOutboxRow(Message({{"a2", "s01", 1, 0}}), Cst(3, 16))));
  GroupedMessage other = Message();
  other.recipient.phone = "13800000002";
  EXPECT_NE(IdempotencyKey(base), IdempotencyKey(NewOutboxRow(other, Cst(3, 16))));
}

TEST(DeliveryPolicyTest, GroupKeyDependsOnMembershipNotOrder) {
  const GroupedAlert a{"a1", "s01", 0, 0}, b{"a2", "s02", 0, 0}, c{"a3", "s03", 0, 0};
  EXPECT_EQ(MessageKey(Message({a, b, c})), MessageKey(Message({c, a, b})));
  EXPECT_NE(MessageKey(Message({a, b, c})), MessageKey(Message({a, b})));
}

TEST(DeliveryPolicyTest, TokenBucketLimitsPerRecipient) {
  const RateLimit limit{3, 1min};
  TokenBucket bucket;
  const Instant t0 = Cst(3, 16);
  for (int i = 0; i < 3; ++i) {
    auto d = TakeToken(bucket, limit, t0);
    ASSERT_TRUE(d.allowed) << i;
    bucket = d.bucket;
  }
  auto denied = TakeToken(bucket, limit, t0 + 10s);
  EXPECT_FALSE(denied.allowed);
  EXPECT_EQ(denied.retry_at, t0 + 1min);
  bucket = denied.bucket;
  auto later = TakeToken(bucket, limit, t0 + 1min);
  EXPECT_TRUE(later.allowed);
  bucket = later.bucket;
  // A long quiet spell refills to the burst size, not beyond.
  int allowed = 0;
  for (int i = 0; i < 10; ++i) {
    auto d = TakeToken(bucket, limit, t0 + 2h);
    bucket = d.bucket;
    allowed += d.allowed;
  }
  EXPECT_EQ(allowed, 3);
}

}  // namespace
}  // namespace pingan::core

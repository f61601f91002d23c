// Delivery policy: the pure decisions behind the notification outbox. What a channel's
// result means for an outbox row (retry with backoff and jitter, honour Retry-After,
// fall back to the recipient's next channel after a permanent failure, give up), the
// idempotency key of each attempt, and per-recipient rate limits (token bucket).
//
// app/ owns the outbox table, the leases and the worker loop; it calls these functions
// with `now` and a random number it draws. Plain values, no shared state: safe on any
// thread.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "daemon/core/clock.h"
#include "daemon/core/grouping.h"
#include "daemon/core/recipient.h"

namespace pingan::core {

enum class DeliveryStatus { kDelivered, kTransientFailure, kPermanentFailure };

// What a channel reports after one attempt. `reason` is safe to show on the console:
// no secrets, no message text.
struct DeliveryResult {
  DeliveryStatus status = DeliveryStatus::kDelivered;
  std::optional<Millis> retry_after;  // from the peer (Retry-After), transient only
  std::string reason;

  static DeliveryResult Delivered() { return {}; }
  static DeliveryResult Transient(std::string why, std::optional<Millis> retry_after = {}) {
    return {DeliveryStatus::kTransientFailure, retry_after, std::move(why)};
  }
  static DeliveryResult Permanent(std::string why) {
    return {DeliveryStatus::kPermanentFailure, std::nullopt, std::move(why)};
  }
};

// 2xx delivered; 408, 429 and 5xx transient; everything else (other 4xx, redirects we do
// not follow) permanent.
DeliveryStatus ClassifyHttpStatus(long status);

enum class OutboxStatus { kPending, kDelivered, kFailed };
std::string_view OutboxStatusName(OutboxStatus s);  // "pending", "delivered", "failed"

// The delivery state of one message to one recipient (the message text is stored
// beside it by app/).
struct OutboxRow {
  std::string key;                     // idempotency base; the channel is appended per attempt
  std::vector<std::string> alert_ids;  // to put delivery problems on their timelines
  Recipient recipient;
  std::vector<ChannelKind> channels;  // fallback order, never empty
  size_t channel_index = 0;
  int attempts = 0;  // on the current channel
  int total_attempts = 0;
  OutboxStatus status = OutboxStatus::kPending;
  Instant created_at{};
  Instant next_attempt_at{};
  std::optional<Instant> delivered_at;
  std::string last_error;
};

// The idempotency base of a grouped message: alert, step, repetition, message kind and
// recipient for one alert; a hash over all (alert, step, repetition) for a group.
std::string MessageKey(const GroupedMessage& message);
OutboxRow NewOutboxRow(const GroupedMessage& message, Instant now);

ChannelKind CurrentChannel(const OutboxRow& row);
// Per (alert(s), step, repetition, recipient, channel): what peers may use to drop
// duplicates (webhook header, e-mail Message-ID).
std::string IdempotencyKey(const OutboxRow& row);

struct RetryPolicy {
  Millis initial_backoff{std::chrono::seconds{30}};
  double multiplier = 2.0;
  Millis max_backoff{std::chrono::minutes{30}};
  double jitter = 0.2;                            // +-20 % of the delay
  int max_attempts_per_channel = 6;               // then fall back to the next channel
  Millis max_retry_after{std::chrono::hours{1}};  // cap on a peer's Retry-After
  Millis give_up_after{std::chrono::hours{24}};   // after creation: fail the row
};

// Backoff before attempt `attempts` + 1, `random01` in [0, 1) drawn by the caller.
Millis BackoffDelay(const RetryPolicy& policy, int attempts, double random01);

// A problem to show on the alert's timeline.
struct DeliveryNotice {
  ChannelKind failed_channel = ChannelKind::kSms;
  std::optional<ChannelKind> next_channel;  // empty: nothing left, the row failed
  std::string reason;
};
std::string DescribeNotice(const DeliveryNotice& notice, const Recipient& recipient);

struct DeliveryOutcome {
  OutboxRow row;
  std::optional<DeliveryNotice> notice;
};

// The row's next state after one attempt on its current channel. A row that is no longer
// pending is returned unchanged (a duplicate result is harmless).
DeliveryOutcome OnDeliveryResult(const OutboxRow& row, const DeliveryResult& result,
                                 const RetryPolicy& policy, Instant now, double random01);

// Token bucket per recipient: `burst` messages at once, then one per `refill_every`.
struct RateLimit {
  double burst = 10;
  Millis refill_every{std::chrono::minutes{1}};
};
struct TokenBucket {
  double tokens = -1;  // < 0: not yet used (starts full)
  Instant updated_at{};
};
struct RateDecision {
  bool allowed = false;
  Instant retry_at{};  // when a token will be there (allowed: now)
  TokenBucket bucket;  // the bucket's new state, to keep
};
RateDecision TakeToken(const TokenBucket& bucket, const RateLimit& limit, Instant now);

// The row waits for the rate limit; not counted as an attempt.
OutboxRow DeferUntil(const OutboxRow& row, Instant at);

}  // namespace pingan::core

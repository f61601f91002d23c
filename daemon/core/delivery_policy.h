// Delivery policy: the pure decisions behind the notification outbox. What a channel's
// result means for an outbox row (retry with backoff and jitter, honour Retry-After,
// fall back to the recipient's next channel after a permanent failure, give up), and
// per-recipient rate limits (token bucket).
//
// The row is core::OutboxRow (outbox_row.h, with its idempotency keys). store/ owns the
// outbox table and its leases, jobs/ the worker loop (OutboxWorker), which calls these with
// `now` and a random number it draws. Plain values, no shared state: safe on any thread.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "daemon/core/clock.h"
#include "daemon/core/outbox_row.h"
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

// The row's next state after one attempt on its current channel: pending again (a retry
// or the next channel), delivered or failed. A row already delivered or failed is
// returned unchanged (a duplicate result is harmless); an unreadable row fails for good
// at its first permanent failure. `row.attempts` counts the attempt being judged (the
// store counts it when it leases the row).
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

}  // namespace pingan::core

#include "daemon/core/delivery_policy.h"

#include <algorithm>
#include <cmath>

namespace pingan::core {
namespace {

DeliveryOutcome FallBack(OutboxRow row, std::string reason, Instant now) {
  DeliveryNotice notice{CurrentChannel(row), std::nullopt, reason};
  row.last_error = std::move(reason);
  if (row.channel_index + 1 < row.channels.size()) {
    ++row.channel_index;
    row.channel_attempts = 0;
    row.next_attempt_at = now;
    notice.next_channel = CurrentChannel(row);
  } else {
    row.status = OutboxStatus::kFailed;
  }
  return {std::move(row), std::move(notice)};
}

}  // namespace

DeliveryStatus ClassifyHttpStatus(long status) {
  if (status >= 200 && status < 300) return DeliveryStatus::kDelivered;
  if (status == 408 || status == 429 || (status >= 500 && status < 600)) {
    return DeliveryStatus::kTransientFailure;
  }
  return DeliveryStatus::kPermanentFailure;
}

Millis BackoffDelay(const RetryPolicy& policy, int attempts, double random01) {
  const double exponent = std::max(0, attempts - 1);
  double ms = static_cast<double>(policy.initial_backoff.count()) *
              std::pow(std::max(1.0, policy.multiplier), std::min(exponent, 60.0));
  ms = std::min(ms, static_cast<double>(policy.max_backoff.count()));
  const double r = std::clamp(random01, 0.0, 1.0);
  ms *= 1.0 + std::clamp(policy.jitter, 0.0, 1.0) * (2.0 * r - 1.0);
  ms = std::min(ms, static_cast<double>(policy.max_backoff.count()));
  return Millis{std::max<int64_t>(1, static_cast<int64_t>(ms))};
}

std::string DescribeNotice(const DeliveryNotice& n, const Recipient& r) {
  std::string text =
      std::string(ChannelKindName(n.failed_channel)) + " to " + r.name + " failed: " + n.reason;
  if (n.next_channel) return text + "; trying " + std::string(ChannelKindName(*n.next_channel));
  return text + "; no channel left, delivery failed";
}

DeliveryOutcome OnDeliveryResult(const OutboxRow& row, const DeliveryResult& result,
                                 const RetryPolicy& policy, Instant now, double random01) {
  if (row.status == OutboxStatus::kDelivered || row.status == OutboxStatus::kFailed ||
      row.status == OutboxStatus::kCancelled) {
    return {row, std::nullopt};
  }
  OutboxRow next = row;
  next.status = OutboxStatus::kPending;
  next.lease_until.reset();
  ++next.channel_attempts;
  switch (result.status) {
    case DeliveryStatus::kDelivered:
      next.status = OutboxStatus::kDelivered;
      next.delivered_at = now;
      next.last_error.clear();
      return {std::move(next), std::nullopt};
    case DeliveryStatus::kPermanentFailure:
      // A message that cannot be read cannot be sent over another channel either.
      if (!next.unreadable.empty())
        next.channel_index = std::max<size_t>(next.channels.size(), 1) - 1;
      return FallBack(std::move(next), result.reason, now);
    case DeliveryStatus::kTransientFailure:
      break;
  }
  if (now - next.created_at >= policy.give_up_after) {
    next.channel_index = next.channels.size() - 1;  // too old: no fallback either
    return FallBack(
        std::move(next),
        "gave up after " + std::to_string(next.attempts) + " attempts: " + result.reason, now);
  }
  if (next.channel_attempts >= policy.max_attempts_per_channel) {
    return FallBack(std::move(next),
                    result.reason + " (" + std::to_string(next.channel_attempts) + " attempts)",
                    now);
  }
  next.last_error = result.reason;
  Millis delay = BackoffDelay(policy, next.channel_attempts, random01);
  if (result.retry_after) {
    // The peer said when: neither earlier (it would refuse again) nor absurdly later.
    delay = std::clamp(*result.retry_after, Millis{0}, policy.max_retry_after);
  }
  next.next_attempt_at = now + delay;
  return {std::move(next), std::nullopt};
}

RateDecision TakeToken(const TokenBucket& bucket, const RateLimit& limit, Instant now) {
  const double burst = std::max(1.0, limit.burst);
  const double refill_ms = static_cast<double>(std::max<int64_t>(1, limit.refill_every.count()));
  TokenBucket b = bucket;
  if (b.tokens < 0) {
    b = {burst, now};
  } else if (now > b.updated_at) {
    b.tokens =
        std::min(burst, b.tokens + static_cast<double>((now - b.updated_at).count()) / refill_ms);
    b.updated_at = now;
  }
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return {true, now, b};
  }
  const auto wait = Millis{static_cast<int64_t>(std::ceil((1.0 - b.tokens) * refill_ms))};
  return {false, now + wait, b};
}

}  // namespace pingan::core

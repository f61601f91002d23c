#include "daemon/core/delivery_policy.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>

namespace pingan::core {
namespace {

// FNV-1a 64: stable across runs and platforms, enough to name a group of alerts.
uint64_t Fnv1a(std::string_view s, uint64_t h = 1469598103934665603ull) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

std::string Hex(uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

DeliveryOutcome FallBack(OutboxRow row, std::string reason, Instant now) {
  DeliveryNotice notice{CurrentChannel(row), std::nullopt, reason};
  row.last_error = std::move(reason);
  if (row.channel_index + 1 < row.channels.size()) {
    ++row.channel_index;
    row.attempts = 0;
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

std::string_view OutboxStatusName(OutboxStatus s) {
  switch (s) {
    case OutboxStatus::kPending:
      return "pending";
    case OutboxStatus::kDelivered:
      return "delivered";
    case OutboxStatus::kFailed:
      return "failed";
  }
  return "unknown";
}

std::string MessageKey(const GroupedMessage& m) {
  const std::string tail =
      "/" + std::string(MessageKindName(m.message)) + "/" + RecipientKey(m.recipient);
  if (m.alerts.size() == 1) {
    const GroupedAlert& a = m.alerts.front();
    return a.alert_id + "/" + std::to_string(a.step) + "/" + std::to_string(a.repetition) + tail;
  }
  std::vector<std::string> parts;
  for (const GroupedAlert& a : m.alerts) {
    parts.push_back(a.alert_id + ":" + std::to_string(a.step) + ":" + std::to_string(a.repetition));
  }
  std::sort(parts.begin(), parts.end());  // membership, not order, names the group
  uint64_t h = Fnv1a("");
  for (const std::string& p : parts) h = Fnv1a(p + ";", h);
  return "group-" + Hex(h) + tail;
}

OutboxRow NewOutboxRow(const GroupedMessage& message, Instant now) {
  OutboxRow row;
  row.key = MessageKey(message);
  for (const GroupedAlert& a : message.alerts) row.alert_ids.push_back(a.alert_id);
  row.recipient = message.recipient;
  row.channels = message.channels;
  row.created_at = now;
  row.next_attempt_at = now;
  return row;
}

ChannelKind CurrentChannel(const OutboxRow& row) {
  if (row.channels.empty()) return ChannelKind::kSms;  // never built so; see NewOutboxRow
  return row.channels[std::min(row.channel_index, row.channels.size() - 1)];
}

std::string IdempotencyKey(const OutboxRow& row) {
  return row.key + "/" + std::string(ChannelKindName(CurrentChannel(row)));
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
  if (row.status != OutboxStatus::kPending) return {row, std::nullopt};
  OutboxRow next = row;
  ++next.attempts;
  ++next.total_attempts;
  switch (result.status) {
    case DeliveryStatus::kDelivered:
      next.status = OutboxStatus::kDelivered;
      next.delivered_at = now;
      next.last_error.clear();
      return {std::move(next), std::nullopt};
    case DeliveryStatus::kPermanentFailure:
      return FallBack(std::move(next), result.reason, now);
    case DeliveryStatus::kTransientFailure:
      break;
  }
  if (now - next.created_at >= policy.give_up_after) {
    next.channel_index = next.channels.size() - 1;  // too old: no fallback either
    return FallBack(
        std::move(next),
        "gave up after " + std::to_string(next.total_attempts) + " attempts: " + result.reason,
        now);
  }
  if (next.attempts >= policy.max_attempts_per_channel) {
    return FallBack(std::move(next),
                    result.reason + " (" + std::to_string(next.attempts) + " attempts)", now);
  }
  next.last_error = result.reason;
  Millis delay = BackoffDelay(policy, next.attempts, random01);
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

OutboxRow DeferUntil(const OutboxRow& row, Instant at) {
  OutboxRow next = row;
  next.next_attempt_at = std::max(row.next_attempt_at, at);
  return next;
}

}  // namespace pingan::core

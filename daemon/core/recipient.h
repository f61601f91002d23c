// Recipient and ChannelKind: who can be told about an alert, and over what.
//
// Shared by escalation (targets resolve to recipients), grouping (messages are merged
// per recipient), templates and the delivery policy (channel fallback order). Plain,
// freely copyable values; no shared state, safe on any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pingan::core {

// The ways a notification leaves pingan. The order of a step's channel list is the
// order in which delivery falls back after a permanent failure.
enum class ChannelKind { kSms, kEmail, kWebhook };

std::string_view ChannelKindName(ChannelKind kind);  // "sms", "email", "webhook"
std::optional<ChannelKind> ParseChannelKind(std::string_view name);

// A person (or a machine endpoint) that receives notifications. Only addresses: pingan
// is not a register of people.
struct Recipient {
  std::string name;
  std::string phone;    // for SMS; may be empty
  std::string email;    // may be empty
  std::string webhook;  // name of a configured webhook endpoint; may be empty

  friend bool operator==(const Recipient&, const Recipient&) = default;
};

// Stable identity used to merge messages, rate-limit and build idempotency keys: the
// first non-empty address ("tel:", "mailto:", "hook:"), else "name:<name>".
std::string RecipientKey(const Recipient& r);

bool HasAddress(const Recipient& r, ChannelKind kind);

// `preferred` (in order, without repeats) restricted to the channels `r` has an
// address for.
std::vector<ChannelKind> UsableChannels(const Recipient& r,
                                        const std::vector<ChannelKind>& preferred);

}  // namespace pingan::core

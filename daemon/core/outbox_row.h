// OutboxRow: one notification in the outbox, the only type that describes one: to whom,
// over which channels, what it says, and how its delivery stands.
//
// Two sorts of message share it: escalation messages (one recipient, one or more alerts
// of one kind and window, built from a GroupedMessage) and reminders before a deadline
// (MessageKind::kDueSoon: one school that has not reported yet, no alert; reminders.h).
// A row holds ids, names, instants and codes only, never incident free text, so
// rendering it cannot leak any. store/ encodes it (store/outbox_codec.h), the delivery
// policy judges its attempts (delivery_policy.h), app/ renders and sends it.
//
// Plain values and pure functions; safe on any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "daemon/core/alert.h"
#include "daemon/core/clock.h"
#include "daemon/core/escalation_engine.h"
#include "daemon/core/grouping.h"
#include "daemon/core/message_template.h"
#include "daemon/core/org_tree.h"
#include "daemon/core/recipient.h"

namespace pingan::core {

enum class OutboxStatus { kPending, kLeased, kDelivered, kFailed };
std::string_view OutboxStatusName(OutboxStatus s);  // "pending", "leased", ...
std::optional<OutboxStatus> ParseOutboxStatus(std::string_view name);

// The grouped message it carries (recipient, channels in fallback order, what it says;
// `channels` empty: nothing can reach the recipient, `alerts` empty for reminders),
// plus what only a stored row has.
struct OutboxRow : GroupedMessage {
  int64_t id = 0;   // assigned by the store
  std::string key;  // idempotency base, unique in the outbox; the channel is appended per attempt
  size_t channel_index = 0;  // the channel tried now

  SchoolLabel school;  // kDueSoon: the school (its name as it was when queued)
  std::optional<Instant> deadline;
  std::string report_label;  // how the report is called; empty: "报平安"
  std::string time_zone;     // kDueSoon: the window's zone; empty: the schools' zone
  // Set by the store when the stored message could not be read; such a row is never
  // sent: its first attempt fails for good with this reason.
  std::string unreadable;

  // How delivery stands.
  OutboxStatus status = OutboxStatus::kPending;
  int attempts = 0;          // attempts begun, counted when the row is leased
  int channel_attempts = 0;  // attempts judged on the current channel
  Instant created_at{};
  Instant next_attempt_at{};
  std::optional<Instant> lease_until;
  std::optional<Instant> delivered_at;
  std::string last_error;
};

// What a message says beyond its alerts: the window's deadline and how the report is
// called.
struct MessageFacts {
  std::optional<Instant> deadline;
  std::string report_label;
};

// The idempotency base of a grouped message: alert, step, repetition, message kind and
// recipient for one alert; a hash over all (alert, step, repetition) for a group.
std::string MessageKey(const GroupedMessage& message);

// An escalation message as a new row, due at `now`, keyed by MessageKey.
OutboxRow NewOutboxRow(const GroupedMessage& message, Instant now, MessageFacts facts = {});

// The alerts the row is about, in order (none for a reminder).
std::vector<std::string> AlertIds(const OutboxRow& row);

ChannelKind CurrentChannel(const OutboxRow& row);
// Per (alert(s), step, repetition, recipient, channel): what peers may use to drop
// duplicates (webhook header, e-mail Message-ID).
std::string IdempotencyKey(const OutboxRow& row);

// What the message says, for RenderMessage: school names and the scope from `tree`
// (a reminder keeps the name it was queued with when the school is gone), the schools'
// time zone (`default_zone` when unknown). Or why the row cannot be rendered.
std::variant<MessageInput, std::string> MessageInputFor(const OutboxRow& row, const OrgTree& tree,
                                                        std::string_view default_zone);

}  // namespace pingan::core

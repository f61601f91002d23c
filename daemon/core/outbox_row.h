// OutboxRow: one notification in the outbox, the only type that describes one: to whom,
// over which channels, what it says, and how its delivery stands.
//
// Two sorts of message share it: escalation messages (one recipient, one or more alerts
// of one kind and window, built from a GroupedMessage) and reminders before a deadline
// (MessageKind::kDueSoon: one school that has not reported yet, no alert; reminders.h).
// A row holds ids, names, instants and codes only, never incident free text, so
// rendering it cannot leak any. store/ encodes it (store/outbox_codec.h), the delivery
// policy judges its attempts (delivery_policy.h), jobs/'s OutboxWorker renders and sends it.
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

// kCancelled: withdrawn before it was sent, because its alert was resolved (final).
enum class OutboxStatus { kPending, kLeased, kDelivered, kFailed, kCancelled };
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
  std::string report_label;               // how the report is called; empty: "报平安"
  std::string time_zone;                  // kDueSoon: the window's zone; empty: the schools' zone
  std::optional<IncidentFacts> incident;  // an incident alert's category and counts
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
// called, or the incident's category and casualty counts.
struct MessageFacts {
  std::optional<Instant> deadline;
  std::string report_label;
  std::optional<IncidentFacts> incident;
};

// The idempotency base of a grouped message: alert, step, repetition, message kind and
// recipient for one alert; a hash over all (alert, step, repetition) for a group; the
// channel appended for one message of an all-at-once step.
std::string MessageKey(const GroupedMessage& message);

// An escalation message as a new row, due at `now`, keyed by MessageKey.
OutboxRow NewOutboxRow(const GroupedMessage& message, Instant now, MessageFacts facts = {});

// The alerts the row is about, in order (none for a reminder).
std::vector<std::string> AlertIds(const OutboxRow& row);

// What becomes of a queued message when one of its alerts is resolved: nobody should be
// asked to look at an alert that needs no one any more (Alertmanager drops a resolved
// alert from notifications not yet sent). Only pending first notices, reminders and
// "reopened" notices are withdrawn; a row being sent (leased), sent or given up stays as
// it is, and so do "resolved" notices.
enum class Withdrawal {
  kKeep,    // not about the alert, or no longer withdrawable: unchanged
  kTrim,    // a grouped message: the alert is left out, the others still go
  kCancel,  // it spoke only of resolved alerts: status kCancelled, never sent
};
struct WithdrawDecision {
  Withdrawal what = Withdrawal::kKeep;
  OutboxRow row;  // the row as it must be stored
};
WithdrawDecision WithdrawAlert(const OutboxRow& row, std::string_view alert_id);

// True when the message may have reached its recipient: delivered, being sent, or
// attempted before (a timed-out attempt may have got through). Such a recipient hears
// that the alert was resolved; one whose message was withdrawn untried does not.
bool MayHaveReached(const OutboxRow& row);

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

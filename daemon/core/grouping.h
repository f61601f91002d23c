// Grouping: one message per recipient for many alerts of the same kind, requirement and
// window (37 schools missing the 16:00 deadline -> one SMS naming the count), while each
// school keeps its own alert.
//
// GroupBuffer is a plain value owned by the caller (jobs/'s EscalationRunner rebuilds it
// from the outbox's held rows on each tick); the functions here are pure apart from mutating the
// buffer passed in. Not thread-safe: one owner at a time.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "daemon/core/clock.h"
#include "daemon/core/escalation_engine.h"

namespace pingan::core {

struct GroupingOptions {
  // Notifications for the same recipient and group key produced within this window of
  // the first one are merged. 0: merge only what is produced at the same instant.
  Millis window{0};
  // A group larger than this is split (messages and idempotency keys stay bounded).
  size_t max_alerts_per_message = 1000;
};

// An alert covered by a grouped message.
struct GroupedAlert {
  std::string alert_id;
  std::string school_id;
  int step = 0;
  int repetition = 0;
  friend bool operator==(const GroupedAlert&, const GroupedAlert&) = default;
};

// One message to one recipient about one or more alerts.
struct GroupedMessage {
  Recipient recipient;
  std::vector<ChannelKind> channels;  // fallback order
  MessageKind message = MessageKind::kAlert;
  AlertKind alert_kind = AlertKind::kMissing;
  std::string requirement_id;
  std::string window_id;
  std::optional<Severity> severity;  // the gravest among the alerts
  bool needs_leader_attention = false;
  std::optional<ResolveReason> resolve_reason;
  std::vector<GroupedAlert> alerts;  // in production order, one entry per alert
  // One of the per-channel messages of an `all_at_once` step: `channels` holds that one
  // channel; its MessageKey names it, so the sibling messages stay distinct.
  bool all_at_once = false;
};

// The merge key of a notification: recipient, message kind, alert kind, requirement
// and window; for an `all_at_once` notification also its channel. Incidents are never
// merged with each other (the key includes the alert).
std::string GroupKey(const Notification& n);

struct PendingNotification {
  Notification notification;
  Instant produced_at{};
};

struct GroupBuffer {
  std::vector<PendingNotification> pending;
};

void AddPending(GroupBuffer& buffer, std::vector<Notification> notifications, Instant now);

// Removes and returns the groups whose first notification is at least `window` old.
std::vector<GroupedMessage> TakeDue(GroupBuffer& buffer, const GroupingOptions& options,
                                    Instant now);

// When TakeDue will next return something; nullopt when the buffer is empty.
std::optional<Instant> NextFlush(const GroupBuffer& buffer, const GroupingOptions& options);

// Groups a batch at once (the window-0 case), keeping first-seen order.
std::vector<GroupedMessage> GroupNow(const std::vector<Notification>& notifications,
                                     size_t max_alerts_per_message = 1000);

}  // namespace pingan::core

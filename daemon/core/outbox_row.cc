#include "daemon/core/outbox_row.h"

#include <algorithm>
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

MessageInput ReminderInput(const OutboxRow& row, const OrgTree& tree,
                           std::string_view default_zone) {
  MessageInput in;
  in.message = MessageKind::kDueSoon;
  in.alert_kind = AlertKind::kMissing;
  const Unit* u = tree.Find(row.school.id);
  in.schools.push_back({row.school.id, u != nullptr ? u->name : row.school.name});
  in.requirement_id = row.requirement_id;
  in.window_id = row.window_id;
  in.deadline = row.deadline;
  in.report_label = row.report_label;
  in.time_zone = row.time_zone.empty() ? std::string(default_zone) : row.time_zone;
  in.recipient_name = row.recipient.name;
  return in;
}

}  // namespace

std::string_view OutboxStatusName(OutboxStatus s) {
  switch (s) {
    case OutboxStatus::kPending:
      return "pending";
    case OutboxStatus::kLeased:
      return "leased";
    case OutboxStatus::kDelivered:
      return "delivered";
    case OutboxStatus::kFailed:
      return "failed";
    case OutboxStatus::kCancelled:
      return "cancelled";
  }
  return "pending";
}

std::optional<OutboxStatus> ParseOutboxStatus(std::string_view name) {
  for (auto s : {OutboxStatus::kPending, OutboxStatus::kLeased, OutboxStatus::kDelivered,
                 OutboxStatus::kFailed, OutboxStatus::kCancelled}) {
    if (OutboxStatusName(s) == name) return s;
  }
  return std::nullopt;
}

std::string MessageKey(const GroupedMessage& m) {
  std::string tail =
      "/" + std::string(MessageKindName(m.message)) + "/" + RecipientKey(m.recipient);
  if (m.all_at_once) {
    for (ChannelKind k : m.channels) tail += "/all:" + std::string(ChannelKindName(k));
  }
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

OutboxRow NewOutboxRow(const GroupedMessage& m, Instant now, MessageFacts facts) {
  OutboxRow row;
  static_cast<GroupedMessage&>(row) = m;
  row.key = MessageKey(m);
  row.deadline = facts.deadline;
  row.report_label = std::move(facts.report_label);
  row.incident = facts.incident;
  row.created_at = now;
  row.next_attempt_at = now;
  return row;
}

std::vector<std::string> AlertIds(const OutboxRow& row) {
  std::vector<std::string> ids;
  for (const GroupedAlert& a : row.alerts) {
    if (!a.alert_id.empty()) ids.push_back(a.alert_id);
  }
  return ids;
}

WithdrawDecision WithdrawAlert(const OutboxRow& row, std::string_view alert_id) {
  WithdrawDecision d{Withdrawal::kKeep, row};
  const bool withdrawable =
      row.status == OutboxStatus::kPending &&
      (row.message == MessageKind::kAlert || row.message == MessageKind::kReminder ||
       row.message == MessageKind::kReopened);
  if (!withdrawable) return d;
  const size_t removed =
      std::erase_if(d.row.alerts, [&](const GroupedAlert& a) { return a.alert_id == alert_id; });
  if (removed == 0) return d;
  if (!d.row.alerts.empty()) {
    d.what = Withdrawal::kTrim;
    return d;
  }
  d.what = Withdrawal::kCancel;
  d.row.alerts = row.alerts;  // a cancelled row still says what it was about
  d.row.status = OutboxStatus::kCancelled;
  d.row.last_error = "withdrawn: the alert was resolved before it was sent";
  return d;
}

bool MayHaveReached(const OutboxRow& row) {
  switch (row.status) {
    case OutboxStatus::kDelivered:
    case OutboxStatus::kLeased:
      return true;
    case OutboxStatus::kFailed:  // given up: the channels said it did not arrive
      return false;
    case OutboxStatus::kPending:
    case OutboxStatus::kCancelled:
      return row.attempts > 0;
  }
  return false;
}

ChannelKind CurrentChannel(const OutboxRow& row) {
  if (row.channels.empty()) return ChannelKind::kSms;  // such a row is never sent
  return row.channels[std::min(row.channel_index, row.channels.size() - 1)];
}

std::string IdempotencyKey(const OutboxRow& row) {
  return row.key + "/" + std::string(ChannelKindName(CurrentChannel(row)));
}

std::variant<MessageInput, std::string> MessageInputFor(const OutboxRow& row, const OrgTree& tree,
                                                        std::string_view default_zone) {
  if (!row.unreadable.empty()) return row.unreadable;
  if (row.message == MessageKind::kDueSoon) {
    if (row.school.id.empty()) return std::string("the reminder names no school");
    return ReminderInput(row, tree, default_zone);
  }
  if (row.alerts.empty()) return std::string("the message names no alert");
  MessageInput in = MessageInputFor(row, tree, row.deadline, row.report_label, default_zone);
  in.incident = row.incident;
  return in;
}

}  // namespace pingan::core

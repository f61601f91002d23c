#include "daemon/core/grouping.h"

#include <algorithm>
#include <map>

namespace pingan::core {
namespace {

GroupedMessage StartGroup(const Notification& n) {
  GroupedMessage g;
  g.recipient = n.recipient;
  g.channels = n.channels;
  g.message = n.message;
  g.alert_kind = n.alert_kind;
  g.requirement_id = n.requirement_id;
  g.window_id = n.window_id;
  g.severity = n.severity;
  g.needs_leader_attention = n.needs_leader_attention;
  g.resolve_reason = n.resolve_reason;
  g.all_at_once = n.all_at_once;
  return g;
}

void AddToGroup(GroupedMessage& g, const Notification& n) {
  const bool seen = std::any_of(g.alerts.begin(), g.alerts.end(),
                                [&](const GroupedAlert& a) { return a.alert_id == n.alert_id; });
  if (seen) return;
  g.alerts.push_back({n.alert_id, n.school_id, n.step, n.repetition});
  for (ChannelKind k : n.channels) {
    if (std::find(g.channels.begin(), g.channels.end(), k) == g.channels.end()) {
      g.channels.push_back(k);
    }
  }
  // Severity I is the gravest: keep the smallest grade.
  if (n.severity &&
      (!g.severity || static_cast<int>(*n.severity) < static_cast<int>(*g.severity))) {
    g.severity = n.severity;
  }
  g.needs_leader_attention = g.needs_leader_attention || n.needs_leader_attention;
}

}  // namespace

std::string GroupKey(const Notification& n) {
  std::string key = RecipientKey(n.recipient);
  key += '|';
  key += MessageKindName(n.message);
  key += '|';
  key += AlertKindName(n.alert_kind);
  if (n.resolve_reason) {
    key += '|';
    key += ResolveReasonName(*n.resolve_reason);
  }
  if (n.all_at_once) {
    for (ChannelKind k : n.channels) {
      key += "|ch=";
      key += ChannelKindName(k);
    }
  }
  if (n.alert_kind == AlertKind::kIncident) return key + "|alert=" + n.alert_id;
  return key + "|req=" + n.requirement_id + "|win=" + n.window_id;
}

std::vector<GroupedMessage> GroupNow(const std::vector<Notification>& notifications,
                                     size_t max_alerts_per_message) {
  max_alerts_per_message = std::max<size_t>(max_alerts_per_message, 1);
  std::vector<GroupedMessage> out;
  std::map<std::string, size_t> open;  // key -> index in `out` of the group being filled
  for (const Notification& n : notifications) {
    const std::string key = GroupKey(n);
    auto it = open.find(key);
    if (it == open.end() || out[it->second].alerts.size() >= max_alerts_per_message) {
      out.push_back(StartGroup(n));
      it = open.insert_or_assign(key, out.size() - 1).first;
    }
    AddToGroup(out[it->second], n);
  }
  return out;
}

void AddPending(GroupBuffer& buffer, std::vector<Notification> notifications, Instant now) {
  for (Notification& n : notifications) buffer.pending.push_back({std::move(n), now});
}

std::vector<GroupedMessage> TakeDue(GroupBuffer& buffer, const GroupingOptions& options,
                                    Instant now) {
  std::map<std::string, Instant> first_seen;
  for (const PendingNotification& p : buffer.pending) {
    auto [it, inserted] = first_seen.try_emplace(GroupKey(p.notification), p.produced_at);
    if (!inserted) it->second = std::min(it->second, p.produced_at);
  }
  std::vector<Notification> due;
  std::vector<PendingNotification> keep;
  for (PendingNotification& p : buffer.pending) {
    if (first_seen[GroupKey(p.notification)] + options.window <= now) {
      due.push_back(std::move(p.notification));
    } else {
      keep.push_back(std::move(p));
    }
  }
  buffer.pending = std::move(keep);
  return GroupNow(due, options.max_alerts_per_message);
}

std::optional<Instant> NextFlush(const GroupBuffer& buffer, const GroupingOptions& options) {
  std::optional<Instant> earliest;
  for (const PendingNotification& p : buffer.pending) {
    if (!earliest || p.produced_at < *earliest) earliest = p.produced_at;
  }
  if (earliest) *earliest += options.window;
  return earliest;
}

}  // namespace pingan::core

#include "daemon/app/outbox_message.h"

#include <algorithm>

namespace pingan::app {
namespace {

using nlohmann::json;

std::string Text(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

json OptionalSeverity(const std::optional<core::Severity>& s) {
  return s ? json(static_cast<int>(*s)) : json();
}

std::optional<core::Severity> SeverityFrom(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_number_integer()) return std::nullopt;
  const int v = it->get<int>();
  if (v < 1 || v > 4) return std::nullopt;
  return static_cast<core::Severity>(v);
}

json OptionalReason(const std::optional<core::ResolveReason>& r) {
  return r ? json(std::string(core::ResolveReasonName(*r))) : json();
}

std::optional<core::ResolveReason> ReasonFrom(const json& j) {
  const std::string name = Text(j, "resolve_reason");
  return name.empty() ? std::nullopt : core::ParseResolveReason(name);
}

std::optional<core::MessageKind> ParseMessageKind(std::string_view name) {
  for (auto k :
       {core::MessageKind::kAlert, core::MessageKind::kReminder, core::MessageKind::kReopened,
        core::MessageKind::kResolved, core::MessageKind::kDueSoon}) {
    if (core::MessageKindName(k) == name) return k;
  }
  return std::nullopt;
}

std::vector<core::ChannelKind> ChannelsFrom(const std::vector<std::string>& names) {
  std::vector<core::ChannelKind> out;
  for (const std::string& n : names) {
    if (auto k = core::ParseChannelKind(n)) out.push_back(*k);
  }
  return out;
}

std::string SchoolName(const core::OrgTree* tree, const std::string& id, std::string fallback) {
  const core::Unit* u = tree != nullptr ? tree->Find(id) : nullptr;
  return u != nullptr ? u->name : std::move(fallback);
}

std::variant<core::RenderedMessage, std::string> RenderGrouped(const store::OutboxRow& row,
                                                               const json& p,
                                                               const RenderContext& c) {
  core::GroupedMessage m;
  auto message = ParseMessageKind(Text(p, "message"));
  auto kind = core::ParseAlertKind(Text(p, "alert_kind"));
  if (!message || !kind) return std::string("the message payload names an unknown kind");
  m.message = *message;
  m.alert_kind = *kind;
  m.recipient = RecipientFromJson(json::parse(row.recipient_json, nullptr, false));
  m.requirement_id = Text(p, "requirement_id");
  m.window_id = Text(p, "window_id");
  m.severity = SeverityFrom(p, "severity");
  m.needs_leader_attention = p.value("needs_leader_attention", false);
  m.resolve_reason = ReasonFrom(p);
  for (const json& a : p.value("alerts", json::array())) {
    m.alerts.push_back(
        {Text(a, "alert_id"), Text(a, "school_id"), a.value("step", 0), a.value("repetition", 0)});
  }
  if (m.alerts.empty()) return std::string("the message payload names no alert");
  std::optional<core::Instant> deadline;
  if (p.contains("deadline_ms") && p["deadline_ms"].is_number_integer()) {
    deadline = core::FromUnixMillis(p["deadline_ms"].get<int64_t>());
  }
  static const core::OrgTree kEmpty = std::get<core::OrgTree>(core::OrgTree::Build({}));
  core::MessageInput input = core::MessageInputFor(
      m, c.tree != nullptr ? *c.tree : kEmpty, deadline, Text(p, "report_label"), c.default_zone);
  return core::RenderMessage(input, c.options);
}

std::variant<core::RenderedMessage, std::string> RenderReminder(const store::OutboxRow& row,
                                                                const json& p,
                                                                const RenderContext& c) {
  core::MessageInput input;
  input.message = core::MessageKind::kDueSoon;
  input.alert_kind = core::AlertKind::kMissing;
  const std::string school = Text(p, "school_id");
  if (school.empty()) return std::string("the reminder payload names no school");
  input.schools.push_back({school, SchoolName(c.tree, school, Text(p, "school_name"))});
  input.requirement_id = Text(p, "requirement_id");
  input.window_id = Text(p, "window_id");
  if (p.contains("deadline_ms") && p["deadline_ms"].is_number_integer()) {
    input.deadline = core::FromUnixMillis(p["deadline_ms"].get<int64_t>());
  }
  input.time_zone = Text(p, "time_zone").empty() ? c.default_zone : Text(p, "time_zone");
  input.recipient_name = RecipientFromJson(json::parse(row.recipient_json, nullptr, false)).name;
  return core::RenderMessage(input, c.options);
}

}  // namespace

json RecipientToJson(const core::Recipient& r) {
  return json{{"name", r.name}, {"phone", r.phone}, {"email", r.email}, {"webhook", r.webhook}};
}

core::Recipient RecipientFromJson(const json& j) {
  if (!j.is_object()) return {};
  return core::Recipient{Text(j, "name"), Text(j, "phone"), Text(j, "email"), Text(j, "webhook")};
}

json NotificationToJson(const core::Notification& n) {
  json channels = json::array();
  for (auto c : n.channels) channels.push_back(std::string(core::ChannelKindName(c)));
  return json{{"alert_id", n.alert_id},
              {"alert_kind", core::AlertKindName(n.alert_kind)},
              {"school_id", n.school_id},
              {"requirement_id", n.requirement_id},
              {"window_id", n.window_id},
              {"severity", OptionalSeverity(n.severity)},
              {"needs_leader_attention", n.needs_leader_attention},
              {"step", n.step},
              {"repetition", n.repetition},
              {"message", core::MessageKindName(n.message)},
              {"resolve_reason", OptionalReason(n.resolve_reason)},
              {"recipient", RecipientToJson(n.recipient)},
              {"channels", channels}};
}

std::optional<core::Notification> NotificationFromJson(const json& j) {
  if (!j.is_object()) return std::nullopt;
  auto kind = core::ParseAlertKind(Text(j, "alert_kind"));
  auto message = ParseMessageKind(Text(j, "message"));
  if (!kind || !message) return std::nullopt;
  core::Notification n;
  n.alert_id = Text(j, "alert_id");
  n.alert_kind = *kind;
  n.school_id = Text(j, "school_id");
  n.requirement_id = Text(j, "requirement_id");
  n.window_id = Text(j, "window_id");
  n.severity = SeverityFrom(j, "severity");
  n.needs_leader_attention = j.value("needs_leader_attention", false);
  n.step = j.value("step", 0);
  n.repetition = j.value("repetition", 0);
  n.message = *message;
  n.resolve_reason = ReasonFrom(j);
  n.recipient = RecipientFromJson(j.value("recipient", json::object()));
  n.channels = ChannelsFrom(j.value("channels", std::vector<std::string>{}));
  if (n.channels.empty()) return std::nullopt;
  return n;
}

store::OutboxRow OutboxRowFor(const core::GroupedMessage& m, const MessageFacts& facts,
                              core::Instant now) {
  const core::OutboxRow policy_row = core::NewOutboxRow(m, now);
  json alerts = json::array();
  for (const core::GroupedAlert& a : m.alerts) {
    alerts.push_back({{"alert_id", a.alert_id},
                      {"school_id", a.school_id},
                      {"step", a.step},
                      {"repetition", a.repetition}});
  }
  json payload{{"template", "grouped"},
               {"message", core::MessageKindName(m.message)},
               {"alert_kind", core::AlertKindName(m.alert_kind)},
               {"requirement_id", m.requirement_id},
               {"window_id", m.window_id},
               {"severity", OptionalSeverity(m.severity)},
               {"needs_leader_attention", m.needs_leader_attention},
               {"resolve_reason", OptionalReason(m.resolve_reason)},
               {"report_label", facts.report_label},
               {"alerts", alerts}};
  if (facts.deadline) payload["deadline_ms"] = core::ToUnixMillis(*facts.deadline);
  store::OutboxRow row;
  row.idempotency_key = policy_row.key;
  row.kind = std::string(core::MessageKindName(m.message));
  row.alert_id = m.alerts.empty() ? "" : m.alerts.front().alert_id;
  row.recipient_json = RecipientToJson(m.recipient).dump();
  for (auto c : m.channels) row.channels.push_back(std::string(core::ChannelKindName(c)));
  row.channel = row.channels.empty() ? "sms" : row.channels.front();
  row.payload_json = payload.dump();
  row.next_attempt_at = now;
  row.created_at = now;
  return row;
}

std::vector<std::string> AlertIdsOf(const store::OutboxRow& row) {
  std::vector<std::string> ids;
  const json p = json::parse(row.payload_json, nullptr, false);
  if (p.is_object()) {
    for (const json& a : p.value("alerts", json::array())) {
      const std::string id = Text(a, "alert_id");
      if (!id.empty()) ids.push_back(id);
    }
  }
  if (ids.empty() && !row.alert_id.empty()) ids.push_back(row.alert_id);
  return ids;
}

std::variant<core::RenderedMessage, std::string> RenderOutboxRow(const store::OutboxRow& row,
                                                                 const RenderContext& context) {
  const json p = json::parse(row.payload_json, nullptr, false);
  if (!p.is_object()) return std::string("the message payload is not JSON");
  const std::string tmpl = Text(p, "template");
  if (tmpl == "grouped") return RenderGrouped(row, p, context);
  if (tmpl == "reminder") return RenderReminder(row, p, context);
  return "unknown message template '" + tmpl + "'";
}

core::OutboxRow ToPolicyRow(const store::OutboxRow& row) {
  core::OutboxRow c;
  c.key = row.idempotency_key;
  c.alert_ids = AlertIdsOf(row);
  c.recipient = RecipientFromJson(json::parse(row.recipient_json, nullptr, false));
  if (row.channels.empty()) {
    // A row without a fallback list (the sweep's reminders): its channel first, then
    // whatever else the person can be reached by. An unknown channel stays unknown.
    const std::vector<core::ChannelKind> own = ChannelsFrom({row.channel});
    if (!own.empty()) {
      c.channels = core::UsableChannels(
          c.recipient, {own.front(), core::ChannelKind::kSms, core::ChannelKind::kEmail});
    }
  } else {
    c.channels = ChannelsFrom(row.channels);
  }
  const auto current = core::ParseChannelKind(row.channel);
  auto it = current ? std::find(c.channels.begin(), c.channels.end(), *current) : c.channels.end();
  c.channel_index = it != c.channels.end() ? static_cast<size_t>(it - c.channels.begin()) : 0;
  c.attempts = row.channel_attempts;
  c.total_attempts = std::max(row.attempts - 1, 0);
  c.status = core::OutboxStatus::kPending;
  c.created_at = row.created_at;
  c.next_attempt_at = row.next_attempt_at;
  c.last_error = row.last_error;
  return c;
}

store::AttemptRecord ToAttemptRecord(const core::OutboxRow& after) {
  store::AttemptRecord r;
  switch (after.status) {
    case core::OutboxStatus::kPending:
      r.state = store::OutboxState::kPending;
      break;
    case core::OutboxStatus::kDelivered:
      r.state = store::OutboxState::kDelivered;
      break;
    case core::OutboxStatus::kFailed:
      r.state = store::OutboxState::kFailed;
      break;
  }
  r.channel = std::string(core::ChannelKindName(core::CurrentChannel(after)));
  // Fixes a derived fallback order (reminder rows) so a later attempt does not re-derive
  // it from the channel it fell back to.
  for (auto k : after.channels) r.channels.push_back(std::string(core::ChannelKindName(k)));
  r.channel_attempts = after.attempts;
  r.next_attempt_at = after.next_attempt_at;
  r.last_error = after.last_error;
  r.delivered_at = after.delivered_at;
  return r;
}

}  // namespace pingan::app

#include "daemon/store/outbox_codec.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "daemon/core/text.h"

namespace pingan::store {
namespace {

using nlohmann::json;

constexpr int kPayloadVersion = 2;

std::string Text(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool Flag(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_boolean() && it->get<bool>();
}

int Number(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number_integer() ? it->get<int>() : 0;
}

json Severity(const std::optional<core::Severity>& s) {
  return s ? json(static_cast<int>(*s)) : json();
}

std::optional<core::Severity> SeverityFrom(const json& j) {
  const int v = Number(j, "severity");
  if (v < 1 || v > 4) return std::nullopt;
  return static_cast<core::Severity>(v);
}

json Reason(const std::optional<core::ResolveReason>& r) {
  return r ? json(std::string(core::ResolveReasonName(*r))) : json();
}

std::optional<core::ResolveReason> ReasonFrom(const json& j) {
  const std::string name = Text(j, "resolve_reason");
  return name.empty() ? std::nullopt : core::ParseResolveReason(name);
}

std::optional<core::Instant> InstantFrom(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_number_integer()) return std::nullopt;
  return core::FromUnixMillis(it->get<int64_t>());
}

json RecipientJson(const core::Recipient& r) {
  return json{{"name", r.name}, {"phone", r.phone}, {"email", r.email}, {"webhook", r.webhook}};
}

core::Recipient RecipientFrom(const json& j) {
  if (!j.is_object()) return {};
  return core::Recipient{Text(j, "name"), Text(j, "phone"), Text(j, "email"), Text(j, "webhook")};
}

std::vector<core::ChannelKind> ChannelsFrom(std::string_view text) {
  std::vector<core::ChannelKind> out;
  for (std::string_view name : core::Split(text, ',')) {
    if (auto k = core::ParseChannelKind(name)) out.push_back(*k);
  }
  return out;
}

json ChannelNames(const std::vector<core::ChannelKind>& channels) {
  json names = json::array();
  for (auto c : channels) names.push_back(std::string(core::ChannelKindName(c)));
  return names;
}

json IncidentJson(const std::optional<core::IncidentFacts>& f) {
  if (!f) return json();
  return json{{"category", core::IncidentCategoryName(f->category)},
              {"injured", f->injured},
              {"dead", f->dead},
              {"missing", f->missing}};
}

std::optional<core::IncidentFacts> IncidentFrom(const json& p) {
  auto it = p.find("incident");
  if (it == p.end() || !it->is_object()) return std::nullopt;
  core::IncidentFacts f;
  f.category = core::ParseIncidentCategory(Text(*it, "category")).value_or(f.category);
  f.injured = static_cast<uint32_t>(std::max(Number(*it, "injured"), 0));
  f.dead = static_cast<uint32_t>(std::max(Number(*it, "dead"), 0));
  f.missing = static_cast<uint32_t>(std::max(Number(*it, "missing"), 0));
  return f;
}

// The payload of the sweep's reminders before version 2.
void DecodeOldReminder(const json& p, core::OutboxRow& row) {
  row.message = core::MessageKind::kDueSoon;
  row.alert_kind = core::AlertKind::kMissing;
  row.school = {Text(p, "school_id"), Text(p, "school_name")};
}

// Version 2 and the "grouped" payload before it (the same fields, less the school).
void DecodeMessage(const json& p, core::OutboxRow& row) {
  auto message = core::ParseMessageKind(Text(p, "message"));
  auto kind = core::ParseAlertKind(Text(p, "alert_kind"));
  if (!message || !kind) {
    row.unreadable = "the message payload names an unknown kind";
    return;
  }
  row.message = *message;
  row.alert_kind = *kind;
  row.severity = SeverityFrom(p);
  row.needs_leader_attention = Flag(p, "needs_leader_attention");
  row.all_at_once = Flag(p, "all_at_once");
  row.resolve_reason = ReasonFrom(p);
  row.report_label = Text(p, "report_label");
  row.incident = IncidentFrom(p);
  if (auto a = p.find("alerts"); a != p.end() && a->is_array()) {
    for (const json& e : *a) {
      if (!e.is_object()) continue;
      row.alerts.push_back(
          {Text(e, "alert_id"), Text(e, "school_id"), Number(e, "step"), Number(e, "repetition")});
    }
  }
  if (auto s = p.find("school"); s != p.end() && s->is_object()) {
    row.school = {Text(*s, "id"), Text(*s, "name")};
  }
}

}  // namespace

std::string EncodeChannels(const std::vector<core::ChannelKind>& channels) {
  std::string out;
  for (auto c : channels) out += (out.empty() ? "" : ",") + std::string(core::ChannelKindName(c));
  return out;
}

StoredOutboxMessage EncodeOutboxMessage(const core::OutboxRow& row) {
  json alerts = json::array();
  for (const core::GroupedAlert& a : row.alerts) {
    alerts.push_back({{"alert_id", a.alert_id},
                      {"school_id", a.school_id},
                      {"step", a.step},
                      {"repetition", a.repetition}});
  }
  json p{{"v", kPayloadVersion},
         {"message", core::MessageKindName(row.message)},
         {"alert_kind", core::AlertKindName(row.alert_kind)},
         {"requirement_id", row.requirement_id},
         {"window_id", row.window_id},
         {"severity", Severity(row.severity)},
         {"needs_leader_attention", row.needs_leader_attention},
         {"resolve_reason", Reason(row.resolve_reason)},
         {"report_label", row.report_label},
         {"alerts", alerts}};
  if (!row.school.id.empty()) p["school"] = {{"id", row.school.id}, {"name", row.school.name}};
  if (row.all_at_once) p["all_at_once"] = true;
  if (row.incident) p["incident"] = IncidentJson(row.incident);
  if (row.deadline) p["deadline_ms"] = core::ToUnixMillis(*row.deadline);
  if (!row.time_zone.empty()) p["time_zone"] = row.time_zone;
  StoredOutboxMessage s;
  s.kind = std::string(core::MessageKindName(row.message));
  s.alert_id = row.alerts.empty() ? "" : row.alerts.front().alert_id;
  s.recipient_json = RecipientJson(row.recipient).dump();
  s.channel = std::string(core::ChannelKindName(core::CurrentChannel(row)));
  s.channels = EncodeChannels(row.channels);
  s.payload_json = p.dump();
  return s;
}

void DecodeOutboxMessage(const StoredOutboxMessage& stored, core::OutboxRow& row) {
  row.recipient = RecipientFrom(json::parse(stored.recipient_json, nullptr, false));
  const json p = json::parse(stored.payload_json, nullptr, false);
  const std::string tmpl = p.is_object() ? Text(p, "template") : "";
  const auto current = core::ParseChannelKind(stored.channel);
  if (tmpl == "reminder" && stored.channels.empty()) {
    // An old reminder row: its channel first, then whatever else the person can be
    // reached by (the first recorded attempt stores the list). An unknown channel
    // leaves none.
    if (current) {
      row.channels = core::UsableChannels(
          row.recipient, {*current, core::ChannelKind::kSms, core::ChannelKind::kEmail});
    }
  } else {
    row.channels = ChannelsFrom(stored.channels);
  }
  auto it =
      current ? std::find(row.channels.begin(), row.channels.end(), *current) : row.channels.end();
  row.channel_index = it != row.channels.end() ? static_cast<size_t>(it - row.channels.begin()) : 0;

  if (!p.is_object()) {
    row.unreadable = "the message payload is not JSON";
    return;
  }
  row.requirement_id = Text(p, "requirement_id");
  row.window_id = Text(p, "window_id");
  row.deadline = InstantFrom(p, "deadline_ms");
  row.time_zone = Text(p, "time_zone");
  if (tmpl == "reminder") {
    DecodeOldReminder(p, row);
  } else if (tmpl == "grouped" || Number(p, "v") == kPayloadVersion) {
    DecodeMessage(p, row);
  } else {
    row.unreadable = "unknown message template '" + tmpl + "'";
  }
}

std::string EncodeHeldNotification(const core::Notification& n) {
  return json{{"alert_id", n.alert_id},
              {"alert_kind", core::AlertKindName(n.alert_kind)},
              {"school_id", n.school_id},
              {"requirement_id", n.requirement_id},
              {"window_id", n.window_id},
              {"severity", Severity(n.severity)},
              {"needs_leader_attention", n.needs_leader_attention},
              {"step", n.step},
              {"repetition", n.repetition},
              {"message", core::MessageKindName(n.message)},
              {"resolve_reason", Reason(n.resolve_reason)},
              {"recipient", RecipientJson(n.recipient)},
              {"channels", ChannelNames(n.channels)},
              {"all_at_once", n.all_at_once}}
      .dump();
}

std::optional<core::Notification> DecodeHeldNotification(std::string_view text) {
  const json j = json::parse(text, nullptr, false);
  if (!j.is_object()) return std::nullopt;
  auto kind = core::ParseAlertKind(Text(j, "alert_kind"));
  auto message = core::ParseMessageKind(Text(j, "message"));
  if (!kind || !message) return std::nullopt;
  core::Notification n;
  n.alert_id = Text(j, "alert_id");
  n.alert_kind = *kind;
  n.school_id = Text(j, "school_id");
  n.requirement_id = Text(j, "requirement_id");
  n.window_id = Text(j, "window_id");
  n.severity = SeverityFrom(j);
  n.needs_leader_attention = Flag(j, "needs_leader_attention");
  n.all_at_once = Flag(j, "all_at_once");
  n.step = Number(j, "step");
  n.repetition = Number(j, "repetition");
  n.message = *message;
  n.resolve_reason = ReasonFrom(j);
  n.recipient = RecipientFrom(j.value("recipient", json::object()));
  if (auto c = j.find("channels"); c != j.end() && c->is_array()) {
    for (const json& name : *c) {
      if (!name.is_string()) continue;
      if (auto k = core::ParseChannelKind(name.get<std::string>())) n.channels.push_back(*k);
    }
  }
  if (n.channels.empty()) return std::nullopt;
  return n;
}

}  // namespace pingan::store

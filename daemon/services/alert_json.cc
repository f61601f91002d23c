#include "daemon/services/alert_json.h"

#include "daemon/core/local_time.h"
#include "daemon/services/query_support.h"
#include "daemon/store/alert_repository.h"

namespace pingan::services {
namespace {

using nlohmann::json;

json Time(const std::optional<core::Instant>& t) {
  return t ? json(core::FormatInstantUtc(*t)) : json();
}

}  // namespace

json AlertSummaryJson(const core::Alert& a, const config::ScheduleBundle* bundle) {
  return json{{"id", a.id},
              {"kind", core::AlertKindName(a.kind)},
              {"school_id", a.school_id},
              {"school_name", UnitName(bundle, a.school_id)},
              {"requirement_id", a.requirement_id},
              {"requirement_name", bundle != nullptr && !a.requirement_id.empty()
                                       ? RequirementName(*bundle, a.requirement_id)
                                       : a.requirement_id},
              {"window_id", a.window_id},
              {"report_id", a.report_id},
              {"severity", a.severity ? json(core::SeverityName(*a.severity)) : json()},
              {"state", core::AlertStateName(a.state)},
              {"created_at", core::FormatInstantUtc(a.created_at)},
              {"acknowledged_by", a.acknowledged_by},
              {"ack_expires_at", Time(a.ack_expires_at)},
              {"resolve_reason",
               a.resolve_reason ? json(core::ResolveReasonName(*a.resolve_reason)) : json()},
              {"policy", a.escalation.policy_id},
              {"step", a.escalation.step},
              {"pass", a.escalation.repetition},
              {"exhausted", a.escalation.exhausted},
              {"next_wakeup", Time(store::EscalationWakeup(a))},
              {"notified", a.notified.size()}};
}

json AlertListJson(const std::vector<core::Alert>& alerts, const config::ScheduleBundle* bundle) {
  json out = json::array();
  for (const core::Alert& a : alerts) out.push_back(AlertSummaryJson(a, bundle));
  return out;
}

json QueueJson(const std::vector<core::Alert>& queue, const config::ScheduleBundle* bundle,
               core::Instant now, const std::map<std::string, std::string>& case_owners) {
  json items = json::array();
  for (const core::Alert& a : queue) {
    json item = AlertSummaryJson(a, bundle);
    item["age_minutes"] = std::chrono::floor<std::chrono::minutes>(now - a.created_at).count();
    // Who has it: the one who acknowledged it, else an incident's case owner (包案领导).
    auto owner = case_owners.find(a.report_id);
    item["owner"] = !a.acknowledged_by.empty() ? a.acknowledged_by
                    : a.kind == core::AlertKind::kIncident && owner != case_owners.end()
                        ? owner->second
                        : "";
    items.push_back(std::move(item));
  }
  return json{{"now", core::FormatInstantUtc(now)}, {"items", items}};
}

json TimelineEntryJson(const core::TimelineEntry& e) {
  return json{{"at", core::FormatInstantUtc(e.at)},
              {"actor", e.actor},
              {"what", e.what},
              {"comment", e.comment}};
}

json AlertDetailJson(const AlertDetail& d, const config::ScheduleBundle* bundle) {
  const core::Alert& a = d.alert;
  json out = AlertSummaryJson(a, bundle);
  json timeline = json::array();
  for (const core::TimelineEntry& e : a.timeline) timeline.push_back(TimelineEntryJson(e));
  out["timeline"] = timeline;
  json told = json::array();
  for (const core::NotifiedRecipient& n : a.notified) {
    json channels = json::array();
    for (auto k : n.channels) channels.push_back(core::ChannelKindName(k));
    told.push_back({{"name", n.recipient.name},
                    {"channels", channels},
                    {"first_at", core::FormatInstantUtc(n.first_at)}});
  }
  out["notified"] = told;
  json rows = json::array();
  for (const auto& r : d.outbox) rows.push_back(OutboxRowJson(r));
  out["outbox"] = rows;
  return out;
}

json OutboxRowJson(const core::OutboxRow& r) {
  const std::vector<std::string> alert_ids = core::AlertIds(r);
  const std::string channel =
      r.channels.empty() ? "" : std::string(core::ChannelKindName(core::CurrentChannel(r)));
  json channels = json::array();
  for (auto c : r.channels) channels.push_back(std::string(core::ChannelKindName(c)));
  return json{{"id", r.id},
              {"kind", core::MessageKindName(r.message)},
              {"alert_id", alert_ids.empty() ? "" : alert_ids.front()},
              {"alerts", alert_ids.size()},
              {"recipient", r.recipient.name},
              {"channel", channel},
              {"channels", channels},
              {"state", core::OutboxStatusName(r.status)},
              {"attempts", r.attempts},
              {"channel_attempts", r.channel_attempts},
              {"next_attempt", core::FormatInstantUtc(r.next_attempt_at)},
              {"lease_until", Time(r.lease_until)},
              {"last_error", r.last_error},
              {"created_at", core::FormatInstantUtc(r.created_at)},
              {"delivered_at", Time(r.delivered_at)},
              {"idempotency_key", r.key}};
}

json OutboxListingJson(const OutboxListing& listing) {
  json rows = json::array();
  for (const auto& r : listing.rows) rows.push_back(OutboxRowJson(r));
  json counts = json::object();
  for (const auto& [state, n] : listing.counts)
    counts[std::string(core::OutboxStatusName(state))] = n;
  return json{{"counts", counts}, {"rows", rows}};
}

json AlertEventJson(const core::Alert& a, const config::ScheduleBundle* bundle) {
  return json{{"id", a.id},
              {"kind", core::AlertKindName(a.kind)},
              {"state", core::AlertStateName(a.state)},
              {"severity", a.severity ? json(core::SeverityName(*a.severity)) : json()},
              {"school_id", a.school_id},
              {"school_name", UnitName(bundle, a.school_id)}};
}

json AckAcceptedJson(const AckResult& r) {
  return json{{"accepted", true},
              {"id", r.id},
              {"state", "acknowledged"},
              {"ack_expires_at", Time(r.ack_expires_at)}};
}

json BulkAckJson(const BulkAckResult& r) {
  json acknowledged = json::array();
  for (const AckResult& a : r.acknowledged) acknowledged.push_back(AckAcceptedJson(a));
  json refused = json::array();
  for (const BulkAckRefusal& f : r.refused) {
    refused.push_back({{"id", f.id}, {"code", f.code}, {"message", f.message}});
  }
  return json{{"acknowledged", acknowledged}, {"refused", refused}};
}

json ResolveAcceptedJson(const ResolveRequest& r) {
  return json{{"accepted", true},
              {"id", r.id},
              {"state", "resolved"},
              {"reason", core::ResolveReasonName(r.reason)}};
}

json CommentAcceptedJson(const CommentRequest& r) {
  return json{{"accepted", true}, {"id", r.id}};
}

}  // namespace pingan::services

#include "daemon/services/alert_commands.h"

#include <spdlog/spdlog.h>

#include <SQLiteCpp/Transaction.h>

#include "daemon/core/escalation_engine.h"
#include "daemon/core/local_time.h"
#include "daemon/core/outbox_row.h"
#include "daemon/jobs/escalation_runner.h"
#include "daemon/store/alert_repository.h"
#include "daemon/store/audit_log.h"
#include "daemon/store/database.h"
#include "daemon/store/outbox_repository.h"

namespace pingan::services {
namespace {

using nlohmann::json;

json Time(const std::optional<core::Instant>& t) {
  return t ? json(core::FormatInstantUtc(*t)) : json();
}

std::string SchoolName(const config::ScheduleSource& schedules, const std::string& id) {
  config::SharedSchedule b = schedules.Get();
  const core::Unit* u = b ? b->tree.Find(id) : nullptr;
  return u != nullptr ? u->name : "";
}

json AlertSummary(const core::Alert& a, const config::ScheduleSource& schedules) {
  return json{{"id", a.id},
              {"kind", core::AlertKindName(a.kind)},
              {"school_id", a.school_id},
              {"school_name", SchoolName(schedules, a.school_id)},
              {"requirement_id", a.requirement_id},
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
              {"next_wakeup", Time(store::EscalationWakeup(a))},
              {"notified", a.notified.size()}};
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

core::Alert FindAlert(const AlertCommandContext& c, const std::string& id) {
  auto db = c.reads.Acquire();
  auto alert = store::AlertRepository(db.sql()).Find(id);
  if (!alert) throw ControlError("not_found", "no alert " + id);
  return std::move(*alert);
}

json ListAlerts(const AlertCommandContext& c, const json& args) {
  store::AlertFilter filter;
  if (const std::string s = TextArg(args, "state"); !s.empty()) {
    filter.state = core::ParseAlertState(s);
    if (!filter.state)
      throw ControlError("bad_request", "state must be open, acknowledged or resolved");
  }
  if (const std::string k = TextArg(args, "kind"); !k.empty()) {
    filter.kind = core::ParseAlertKind(k);
    if (!filter.kind) throw ControlError("bad_request", "kind must be missing, late or incident");
  }
  filter.school_id = TextArg(args, "school");
  filter.requirement_id = TextArg(args, "requirement");
  filter.window_id = TextArg(args, "window");
  filter.limit = IntArg(args, "limit", 100, 1, 10000);
  auto db = c.reads.Acquire();
  json out = json::array();
  for (const core::Alert& a : store::AlertRepository(db.sql()).List(filter)) {
    out.push_back(AlertSummary(a, c.schedules));
  }
  return out;
}

json ShowAlert(const AlertCommandContext& c, const json& args) {
  const core::Alert a = FindAlert(c, TextArg(args, "id", true));
  json out = AlertSummary(a, c.schedules);
  json timeline = json::array();
  for (const core::TimelineEntry& e : a.timeline) {
    timeline.push_back({{"at", core::FormatInstantUtc(e.at)},
                        {"actor", e.actor},
                        {"what", e.what},
                        {"comment", e.comment}});
  }
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
  auto db = c.reads.Acquire();
  json rows = json::array();
  for (const auto& r : store::OutboxRepository(db.sql()).ListForAlert(a.id, 200)) {
    rows.push_back(OutboxRowJson(r));
  }
  out["outbox"] = rows;
  return out;
}

// The acknowledgement timeout of the policy the alert escalates under (or would).
core::Millis AckTimeout(const AlertCommandContext& c, const core::Alert& a) {
  const config::SharedEscalation escalation = c.escalation.Get();
  if (!escalation) return core::Millis{0};
  const core::EscalationConfig& config = escalation->settings.policies;
  const core::Policy* policy = core::FindPolicy(config, a.escalation.policy_id);
  if (policy == nullptr) {
    config::SharedSchedule b = c.schedules.Get();
    policy = core::SelectPolicy(
        config, a,
        b ? jobs::ActivePeriodKinds(*b, a.school_id, c.clock.Now()) : std::vector<std::string>{});
  }
  return policy != nullptr ? policy->ack_timeout : core::Millis{0};
}

using Transition = std::function<core::AlertResult(const core::Alert&, core::Instant)>;

// Writer thread: applies `transition` to the alert as it is now, saves it and audits it.
void ApplyLater(const AlertCommandContext& c, const std::string& id, const std::string& who,
                const std::string& action, const std::string& detail, Transition transition) {
  c.writer.Post([id, who, action, detail, transition = std::move(transition),
                 &clock = c.clock](store::Database& db) {
    SQLite::Transaction tx(db.sql());
    store::AlertRepository alerts(db.sql());
    auto alert = alerts.Find(id);
    if (!alert) return;
    const core::Instant now = clock.Now();
    core::AlertResult result = transition(*alert, now);
    if (auto* err = std::get_if<core::AlertError>(&result)) {
      spdlog::warn("alert {}: {} not applied: {}", id, action, err->message);
      return;
    }
    alerts.Save(std::get<core::Alert>(result));
    store::AppendAudit(db.sql(), {now, "user:" + who, action, id, detail});
    tx.commit();
  });
}

json Acknowledge(const AlertCommandContext& c, const json& args) {
  const std::string id = TextArg(args, "id", true);
  const std::string who = TextArg(args, "who", true);
  const std::string comment = TextArg(args, "comment", true);
  const core::Alert a = FindAlert(c, id);
  const core::Millis timeout = AckTimeout(c, a);
  const core::AlertResult check = core::Acknowledge(a, who, comment, c.clock.Now(), timeout);
  if (auto* err = std::get_if<core::AlertError>(&check))
    throw ControlError("refused", err->message);
  ApplyLater(c, id, who, "alert.acknowledge", "",
             [who, comment, timeout](const core::Alert& now_a, core::Instant now) {
               return core::Acknowledge(now_a, who, comment, now, timeout);
             });
  const core::Alert& acked = std::get<core::Alert>(check);
  return json{{"accepted", true},
              {"id", id},
              {"state", "acknowledged"},
              {"ack_expires_at", Time(acked.ack_expires_at)}};
}

json Resolve(const AlertCommandContext& c, const json& args) {
  const std::string id = TextArg(args, "id", true);
  const std::string who = TextArg(args, "who", true);
  const std::string comment = TextArg(args, "comment", true);
  const std::string reason_text = TextArg(args, "reason", true);
  const auto reason = core::ParseResolveReason(reason_text);
  if (!reason || *reason == core::ResolveReason::kLateReportReceived) {
    throw ControlError("bad_request", "reason must be handled or false_alarm");
  }
  const core::Alert a = FindAlert(c, id);
  const core::AlertResult check = core::Resolve(a, *reason, who, comment, c.clock.Now());
  if (auto* err = std::get_if<core::AlertError>(&check))
    throw ControlError("refused", err->message);
  ApplyLater(c, id, who, "alert.resolve", reason_text,
             [reason = *reason, who, comment](const core::Alert& now_a, core::Instant now) {
               return core::Resolve(now_a, reason, who, comment, now);
             });
  return json{{"accepted", true}, {"id", id}, {"state", "resolved"}, {"reason", reason_text}};
}

json AddComment(const AlertCommandContext& c, const json& args) {
  const std::string id = TextArg(args, "id", true);
  const std::string who = TextArg(args, "who", true);
  const std::string comment = TextArg(args, "comment", true);
  const core::AlertResult check = core::Comment(FindAlert(c, id), who, comment, c.clock.Now());
  if (auto* err = std::get_if<core::AlertError>(&check))
    throw ControlError("refused", err->message);
  ApplyLater(c, id, who, "alert.comment", "",
             [who, comment](const core::Alert& now_a, core::Instant now) {
               return core::Comment(now_a, who, comment, now);
             });
  return json{{"accepted", true}, {"id", id}};
}

json ListOutbox(const AlertCommandContext& c, const json& args) {
  std::optional<core::OutboxStatus> state;
  if (const std::string s = TextArg(args, "state"); !s.empty()) {
    state = core::ParseOutboxStatus(s);
    if (!state)
      throw ControlError("bad_request", "state must be pending, leased, delivered or failed");
  }
  auto db = c.reads.Acquire();
  store::OutboxRepository outbox(db.sql());
  json rows = json::array();
  for (const auto& r : outbox.List(state, IntArg(args, "limit", 200, 1, 10000)))
    rows.push_back(OutboxRowJson(r));
  json counts = json::object();
  for (auto st : {core::OutboxStatus::kPending, core::OutboxStatus::kLeased,
                  core::OutboxStatus::kDelivered, core::OutboxStatus::kFailed}) {
    counts[std::string(core::OutboxStatusName(st))] = outbox.Count(st);
  }
  return json{{"counts", counts}, {"rows", rows}};
}

}  // namespace

void RegisterAlertCommands(ControlServer& server, const AlertCommandContext& context) {
  // The context is copied into each handler; its references outlive the server.
  server.Register("alerts", [context](const json& args) { return ListAlerts(context, args); });
  server.Register("alert.show", [context](const json& args) { return ShowAlert(context, args); });
  server.Register("alert.ack", [context](const json& args) { return Acknowledge(context, args); });
  server.Register("alert.resolve", [context](const json& args) { return Resolve(context, args); });
  server.Register("alert.comment",
                  [context](const json& args) { return AddComment(context, args); });
  server.Register("outbox", [context](const json& args) { return ListOutbox(context, args); });
}

}  // namespace pingan::services

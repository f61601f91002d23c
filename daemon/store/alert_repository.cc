#include "daemon/store/alert_repository.h"

#include "daemon/core/alert_rules.h"
#include "daemon/core/escalation_engine.h"
#include "daemon/store/outbox_repository.h"
#include "daemon/store/sql_values.h"

#include <nlohmann/json.hpp>

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <spdlog/spdlog.h>

namespace pingan::store {
namespace {

using nlohmann::json;

constexpr const char* kAlertColumns = R"sql(
SELECT alert_id, kind, school_id, requirement_id, window_id, report_id, severity,
  needs_leader_attention, state, created_at_ms, acknowledged_by, acknowledged_at_ms,
  ack_expires_at_ms, resolve_reason, resolved_at_ms, escalation_json, notified_json
FROM alerts )sql";

json EscalationToJson(const core::EscalationPosition& e) {
  return json{{"policy_id", e.policy_id},
              {"started", e.started},
              {"step", e.step},
              {"repetition", e.repetition},
              {"next_step_at_ms", Ms(e.next_step_at) ? json(*Ms(e.next_step_at)) : json()},
              {"exhausted", e.exhausted},
              {"leaders_notified", e.leaders_notified}};
}

core::EscalationPosition EscalationFromJson(const json& j) {
  core::EscalationPosition e;
  e.policy_id = j.value("policy_id", "");
  e.started = j.value("started", false);
  e.step = j.value("step", 0);
  e.repetition = j.value("repetition", 0);
  if (j.contains("next_step_at_ms") && j["next_step_at_ms"].is_number()) {
    e.next_step_at = core::FromUnixMillis(j["next_step_at_ms"].get<int64_t>());
  }
  e.exhausted = j.value("exhausted", false);
  e.leaders_notified = j.value("leaders_notified", false);
  return e;
}

json NotifiedToJson(const std::vector<core::NotifiedRecipient>& list) {
  json out = json::array();
  for (const auto& n : list) {
    json channels = json::array();
    for (auto c : n.channels) channels.push_back(std::string(core::ChannelKindName(c)));
    out.push_back({{"name", n.recipient.name},
                   {"phone", n.recipient.phone},
                   {"email", n.recipient.email},
                   {"webhook", n.recipient.webhook},
                   {"channels", channels},
                   {"first_at_ms", core::ToUnixMillis(n.first_at)},
                   {"pass", n.pass}});
  }
  return out;
}

std::vector<core::NotifiedRecipient> NotifiedFromJson(const json& j) {
  std::vector<core::NotifiedRecipient> out;
  for (const auto& item : j) {
    core::NotifiedRecipient n;
    n.recipient = core::Recipient{item.value("name", ""), item.value("phone", ""),
                                  item.value("email", ""), item.value("webhook", "")};
    for (const auto& c : item.value("channels", json::array())) {
      if (auto kind = core::ParseChannelKind(c.get<std::string>())) n.channels.push_back(*kind);
    }
    n.first_at = core::FromUnixMillis(item.value("first_at_ms", int64_t{0}));
    n.pass = item.value("pass", 0);  // before it was kept: pass 0, as most alerts are
    out.push_back(std::move(n));
  }
  return out;
}

core::Alert ReadAlert(SQLite::Statement& s) {
  core::Alert a;
  a.id = s.getColumn(0).getString();
  a.kind = core::ParseAlertKind(s.getColumn(1).getString()).value_or(core::AlertKind::kMissing);
  a.school_id = s.getColumn(2).getString();
  a.requirement_id = s.getColumn(3).getString();
  a.window_id = s.getColumn(4).getString();
  a.report_id = s.getColumn(5).getString();
  if (!s.getColumn(6).isNull()) a.severity = static_cast<core::Severity>(s.getColumn(6).getInt());
  a.needs_leader_attention = s.getColumn(7).getInt() != 0;
  a.state = core::ParseAlertState(s.getColumn(8).getString()).value_or(core::AlertState::kOpen);
  a.created_at = core::FromUnixMillis(s.getColumn(9).getInt64());
  a.acknowledged_by = s.getColumn(10).getString();
  a.acknowledged_at = ColumnOptionalInstant(s.getColumn(11));
  a.ack_expires_at = ColumnOptionalInstant(s.getColumn(12));
  if (!s.getColumn(13).isNull())
    a.resolve_reason = core::ParseResolveReason(s.getColumn(13).getString());
  a.resolved_at = ColumnOptionalInstant(s.getColumn(14));
  a.escalation = EscalationFromJson(json::parse(s.getColumn(15).getString()));
  a.notified = NotifiedFromJson(json::parse(s.getColumn(16).getString()));
  return a;
}

void BindMutable(SQLite::Statement& s, const core::Alert& a) {
  s.bind(1, a.id);
  s.bind(2, std::string(core::AlertStateName(a.state)));
  s.bind(3, a.acknowledged_by);
  BindOptional(s, 4, Ms(a.acknowledged_at));
  BindOptional(s, 5, Ms(a.ack_expires_at));
  if (a.resolve_reason)
    s.bind(6, std::string(core::ResolveReasonName(*a.resolve_reason)));
  else
    s.bind(6);
  BindOptional(s, 7, Ms(a.resolved_at));
  BindOptional(s, 8, Ms(core::EscalationWakeup(a)));
  s.bind(9, EscalationToJson(a.escalation).dump());
  s.bind(10, NotifiedToJson(a.notified).dump());
  s.bind(11, a.report_id);
}

}  // namespace

// Forwarders: the rules live in daemon/core (alert_rules.h).
bool ResolutionNoticesOwed(const core::Alert& a) {
  return core::ResolutionNoticesOwed(a);
}

std::optional<core::Instant> EscalationWakeup(const core::Alert& a) {
  return core::EscalationWakeup(a);
}

bool AlertRepository::Insert(const core::Alert& a) {
  PreparedStatement kept = store_.Prepared(R"sql(
INSERT INTO alerts (alert_id, state, acknowledged_by, acknowledged_at_ms, ack_expires_at_ms,
  resolve_reason, resolved_at_ms, next_step_at_ms, escalation_json, notified_json, report_id,
  kind, school_id, requirement_id, window_id, severity, needs_leader_attention, created_at_ms)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)
ON CONFLICT DO NOTHING)sql");
  SQLite::Statement& s = *kept;
  BindMutable(s, a);
  s.bind(12, std::string(core::AlertKindName(a.kind)));
  s.bind(13, a.school_id);
  s.bind(14, a.requirement_id);
  s.bind(15, a.window_id);
  if (a.severity)
    s.bind(16, static_cast<int>(*a.severity));
  else
    s.bind(16);
  s.bind(17, a.needs_leader_attention ? 1 : 0);
  s.bind(18, static_cast<int64_t>(core::ToUnixMillis(a.created_at)));
  if (s.exec() == 0) return false;
  AppendTimeline(a, 0);
  return true;
}

void AlertRepository::Save(const core::Alert& a) {
  SQLite::Statement s(db_, R"sql(
UPDATE alerts SET state = ?2, acknowledged_by = ?3, acknowledged_at_ms = ?4,
  ack_expires_at_ms = ?5, resolve_reason = ?6, resolved_at_ms = ?7, next_step_at_ms = ?8,
  escalation_json = ?9, notified_json = ?10, report_id = ?11
WHERE alert_id = ?1)sql");
  BindMutable(s, a);
  s.exec();
  SQLite::Statement count(db_, "SELECT count(*) FROM alert_timeline WHERE alert_id = ?1");
  count.bind(1, a.id);
  count.executeStep();
  AppendTimeline(a, static_cast<size_t>(count.getColumn(0).getInt64()));
}

void AlertRepository::AppendTimeline(const core::Alert& a, size_t from) {
  PreparedStatement kept = store_.Prepared(
      "INSERT INTO alert_timeline (alert_id, seq, at_ms, actor, what, comment) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  SQLite::Statement& s = *kept;
  for (size_t i = from; i < a.timeline.size(); ++i) {
    const core::TimelineEntry& e = a.timeline[i];
    s.reset();
    s.bind(1, a.id);
    s.bind(2, static_cast<int64_t>(i));
    s.bind(3, static_cast<int64_t>(core::ToUnixMillis(e.at)));
    s.bind(4, e.actor);
    s.bind(5, e.what);
    s.bind(6, e.comment);
    s.exec();
  }
}

std::vector<core::Alert> AlertRepository::Query(const std::string& where,
                                                const std::vector<std::string>& args, int limit,
                                                bool with_timeline) {
  SQLite::Statement s(db_, std::string(kAlertColumns) + where + " LIMIT " + std::to_string(limit));
  for (size_t i = 0; i < args.size(); ++i) s.bind(static_cast<int>(i + 1), args[i]);
  std::vector<core::Alert> out;
  while (s.executeStep()) out.push_back(ReadAlert(s));
  if (!with_timeline) return out;
  SQLite::Statement timeline(db_,
                             "SELECT at_ms, actor, what, comment FROM alert_timeline "
                             "WHERE alert_id = ?1 ORDER BY seq");
  for (core::Alert& a : out) {
    timeline.reset();
    timeline.bind(1, a.id);
    while (timeline.executeStep()) {
      a.timeline.push_back(core::TimelineEntry{
          core::FromUnixMillis(timeline.getColumn(0).getInt64()), timeline.getColumn(1).getString(),
          timeline.getColumn(2).getString(), timeline.getColumn(3).getString()});
    }
  }
  return out;
}

std::optional<core::Alert> AlertRepository::Find(const std::string& alert_id) {
  auto found = Query("WHERE alert_id = ?1", {alert_id}, 1);
  if (found.empty()) return std::nullopt;
  return std::move(found.front());
}

std::vector<core::Alert> AlertRepository::FindMany(const std::vector<std::string>& alert_ids) {
  SQLite::Statement s(db_, std::string(kAlertColumns) + "WHERE alert_id = ?1");
  std::vector<core::Alert> out;
  out.reserve(alert_ids.size());
  for (const std::string& id : alert_ids) {
    s.reset();
    s.bind(1, id);
    if (s.executeStep()) out.push_back(ReadAlert(s));
  }
  return out;
}

std::optional<core::Alert> AlertRepository::FindMissing(const std::string& school_id,
                                                        const std::string& requirement_id,
                                                        const std::string& window_id) {
  auto found =
      Query("WHERE kind = 'missing' AND school_id = ?1 AND requirement_id = ?2 AND window_id = ?3",
            {school_id, requirement_id, window_id}, 1);
  if (found.empty()) return std::nullopt;
  return std::move(found.front());
}

std::vector<core::Alert> AlertRepository::List(const AlertFilter& f) {
  std::string where = "WHERE 1";
  std::vector<std::string> args;
  auto add = [&](const std::string& column, std::string value) {
    args.push_back(std::move(value));
    where += " AND " + column + " = ?" + std::to_string(args.size());
  };
  if (f.state) add("state", std::string(core::AlertStateName(*f.state)));
  if (f.kind) add("kind", std::string(core::AlertKindName(*f.kind)));
  if (!f.school_id.empty()) add("school_id", f.school_id);
  if (!f.requirement_id.empty()) add("requirement_id", f.requirement_id);
  if (!f.window_id.empty()) add("window_id", f.window_id);
  return Query(where + " ORDER BY created_at_ms DESC, alert_id DESC", args, f.limit,
               f.with_timeline);
}

std::vector<core::Alert> AlertRepository::DueForEscalation(core::Instant until, int limit) {
  return Query(
      "WHERE next_step_at_ms IS NOT NULL AND next_step_at_ms <= ?1 "
      "ORDER BY next_step_at_ms",
      {std::to_string(core::ToUnixMillis(until))}, limit);
}

int64_t AlertRepository::CountByState(core::AlertState state) {
  SQLite::Statement s(db_, "SELECT count(*) FROM alerts WHERE state = ?1");
  s.bind(1, std::string(core::AlertStateName(state)));
  s.executeStep();
  return s.getColumn(0).getInt64();
}

std::optional<std::string> ApplyAlertChange(Database& db, const std::string& alert_id,
                                            core::Instant now, const AlertTransition& transition,
                                            AuditEntry audit) {
  SQLite::Transaction tx(db.sql());
  AlertRepository alerts(db);
  auto alert = alerts.Find(alert_id);
  if (!alert) return std::nullopt;
  core::AlertResult result = transition(*alert, now);
  if (auto* err = std::get_if<core::AlertError>(&result)) return err->message;
  const core::Alert& after = std::get<core::Alert>(result);
  alerts.Save(after);
  if (after.state == core::AlertState::kResolved && alert->state != core::AlertState::kResolved) {
    // In the same transaction, so the outbox worker cannot lease one of its queued
    // messages once the resolve is committed.
    OutboxRepository(db).WithdrawFor(alert_id);
  }
  audit.at = now;
  AppendAudit(db, audit);
  tx.commit();
  return std::nullopt;
}

std::string ResolveMissingAlert(Database& db, const std::string& school_id,
                                const std::string& requirement_id, const std::string& window_id,
                                core::Instant now, const AlertTransition& transition) {
  AlertRepository alerts(db);
  auto alert = alerts.FindMissing(school_id, requirement_id, window_id);
  if (!alert || alert->state == core::AlertState::kResolved) return "";
  core::AlertResult resolved = transition(*alert, now);
  if (auto* err = std::get_if<core::AlertError>(&resolved)) {
    spdlog::error("alert {}: {}", err->alert_id, err->message);
    return "";
  }
  alerts.Save(std::get<core::Alert>(resolved));
  OutboxRepository(db).WithdrawFor(alert->id);  // nobody is asked about it any more
  return alert->id;
}

}  // namespace pingan::store

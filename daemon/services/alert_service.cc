#include "daemon/services/alert_service.h"

#include <spdlog/spdlog.h>

#include <set>

#include "daemon/core/alert_queue.h"
#include "daemon/core/escalation_engine.h"
#include "daemon/jobs/escalation_runner.h"
#include "daemon/services/control_server.h"
#include "daemon/store/alert_repository.h"
#include "daemon/store/database.h"
#include "daemon/store/outbox_repository.h"

namespace pingan::services {

AlertQuery ParseAlertQuery(const std::string& state, const std::string& kind) {
  AlertQuery q;
  if (!state.empty()) {
    q.state = core::ParseAlertState(state);
    if (!q.state) throw ControlError("bad_request", "state must be open, acknowledged or resolved");
  }
  if (!kind.empty()) {
    q.kind = core::ParseAlertKind(kind);
    if (!q.kind) throw ControlError("bad_request", "kind must be missing, late or incident");
  }
  return q;
}

core::ResolveReason ParseResolveRequestReason(const std::string& text) {
  const auto reason = core::ParseResolveReason(text);
  if (!reason || *reason == core::ResolveReason::kLateReportReceived ||
      *reason == core::ResolveReason::kExcused) {
    throw ControlError("bad_request", "reason must be handled or false_alarm");
  }
  return *reason;
}

OutboxQuery ParseOutboxQuery(const std::string& state, int limit) {
  OutboxQuery q;
  q.limit = limit;
  if (!state.empty()) {
    q.state = core::ParseOutboxStatus(state);
    if (!q.state)
      throw ControlError("bad_request", "state must be pending, leased, delivered or failed");
  }
  return q;
}

std::vector<core::Alert> AlertService::List(const AlertQuery& query) const {
  auto db = c_.reads.Acquire();
  store::AlertFilter summaries = query;  // every caller shows summaries
  summaries.with_timeline = false;
  return store::AlertRepository(db).List(summaries);
}

core::Alert AlertService::Find(const std::string& id) const {
  auto db = c_.reads.Acquire();
  auto alert = store::AlertRepository(db).Find(id);
  if (!alert) throw ControlError("not_found", "no alert " + id);
  return std::move(*alert);
}

AlertDetail AlertService::Show(const std::string& id) const {
  AlertDetail detail{Find(id), {}};
  auto db = c_.reads.Acquire();
  detail.outbox = store::OutboxRepository(db).ListForAlert(id, 200);
  return detail;
}

// The acknowledgement timeout of the policy the alert escalates under (or would).
core::Millis AlertService::AckTimeout(const core::Alert& a) const {
  const config::SharedEscalation escalation = c_.escalation.Get();
  if (!escalation) return core::Millis{0};
  const core::EscalationConfig& config = escalation->settings.policies;
  const core::Policy* policy = core::FindPolicy(config, a.escalation.policy_id);
  if (policy == nullptr) {
    config::SharedSchedule b = c_.schedules.Get();
    policy = core::SelectPolicy(config, a,
                                b ? jobs::PolicyPeriodKinds(*b, a) : std::vector<std::string>{});
  }
  return policy != nullptr ? policy->ack_timeout : core::Millis{0};
}

void AlertService::ApplyLater(const std::string& id, const std::string& who,
                              const std::string& action, const std::string& detail,
                              Transition transition) const {
  c_.writer.Post([id, who, action, detail, transition = std::move(transition),
                  &clock = c_.clock](store::Database& db) {
    const auto refused = store::ApplyAlertChange(db, id, clock.Now(), transition,
                                                 {{}, "user:" + who, action, id, detail});
    if (refused) spdlog::warn("alert {}: {} not applied: {}", id, action, *refused);
  });
}

namespace {
void ThrowIfRefused(const core::AlertResult& result) {
  if (auto* err = std::get_if<core::AlertError>(&result))
    throw ControlError("refused", err->message);
}
}  // namespace

AckResult AlertService::Acknowledge(const AckRequest& r) const {
  const core::Alert a = Find(r.id);
  const core::Millis timeout = AckTimeout(a);
  const core::AlertResult check = core::Acknowledge(a, r.who, r.comment, c_.clock.Now(), timeout);
  ThrowIfRefused(check);
  ApplyLater(
      r.id, r.who, "alert.acknowledge", "",
      [who = r.who, comment = r.comment, timeout](const core::Alert& now_a, core::Instant now) {
        return core::Acknowledge(now_a, who, comment, now, timeout);
      });
  return AckResult{r.id, std::get<core::Alert>(check).ack_expires_at};
}

BulkAckResult AlertService::AcknowledgeEach(const BulkAckRequest& r) const {
  if (r.ids.empty() || r.ids.size() > kMaxBulkAck) {
    throw ControlError("bad_request",
                       "ids must name 1.." + std::to_string(kMaxBulkAck) + " alerts");
  }
  BulkAckResult out;
  std::set<std::string> seen;
  for (const std::string& id : r.ids) {
    if (!seen.insert(id).second) continue;
    try {
      out.acknowledged.push_back(Acknowledge({id, r.who, r.comment}));
    } catch (const ControlError& e) {
      out.refused.push_back({id, e.code, e.what()});
    }
  }
  return out;
}

AlertQueue AlertService::Queue() const {
  AlertQueue out{c_.clock.Now(), {}};
  std::vector<core::Alert> unresolved;
  auto db = c_.reads.Acquire();
  store::AlertRepository alerts(db);
  for (auto state : {core::AlertState::kOpen, core::AlertState::kAcknowledged}) {
    store::AlertFilter filter;
    filter.state = state;
    filter.limit = kMaxQueue;
    filter.with_timeline = false;  // the queue shows summaries
    for (core::Alert& a : alerts.List(filter)) unresolved.push_back(std::move(a));
  }
  out.alerts = core::ActionQueue(std::move(unresolved));
  if (out.alerts.size() > static_cast<size_t>(kMaxQueue)) out.alerts.resize(kMaxQueue);
  return out;
}

void AlertService::Resolve(const ResolveRequest& r) const {
  if (r.reason == core::ResolveReason::kLateReportReceived ||
      r.reason == core::ResolveReason::kExcused) {
    throw ControlError("bad_request", "reason must be handled or false_alarm");
  }
  ThrowIfRefused(core::Resolve(Find(r.id), r.reason, r.who, r.comment, c_.clock.Now()));
  ApplyLater(r.id, r.who, "alert.resolve", std::string(core::ResolveReasonName(r.reason)),
             [reason = r.reason, who = r.who, comment = r.comment](const core::Alert& now_a,
                                                                   core::Instant now) {
               return core::Resolve(now_a, reason, who, comment, now);
             });
}

void AlertService::Comment(const CommentRequest& r) const {
  ThrowIfRefused(core::Comment(Find(r.id), r.who, r.comment, c_.clock.Now()));
  ApplyLater(r.id, r.who, "alert.comment", "",
             [who = r.who, comment = r.comment](const core::Alert& now_a, core::Instant now) {
               return core::Comment(now_a, who, comment, now);
             });
}

OutboxListing AlertService::ListOutbox(const OutboxQuery& query) const {
  auto db = c_.reads.Acquire();
  store::OutboxRepository outbox(db);
  OutboxListing out;
  out.rows = outbox.List(query.state, query.limit);
  for (auto st :
       {core::OutboxStatus::kPending, core::OutboxStatus::kLeased, core::OutboxStatus::kDelivered,
        core::OutboxStatus::kFailed, core::OutboxStatus::kCancelled}) {
    out.counts[st] = outbox.Count(st);
  }
  return out;
}

}  // namespace pingan::services

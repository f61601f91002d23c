// AlertService: the typed queries and commands on alerts and the notification outbox,
// shared by the control socket (alert_commands.cc) and the HTTP API (api_routes.cc):
//
//   List        newest first, filtered by AlertQuery
//   Show        the alert with its timeline, who was told, and its outbox rows
//   Acknowledge stops escalation (an ack timeout may re-open it)
//   Resolve     handled | false_alarm; those already told get a "resolved" notice
//   Comment     a timeline entry
//   ListOutbox  outbox rows with the count of each state
//   Queue       the unresolved alerts in the duty room's order (core/alert_queue.h)
//   AcknowledgeEach  several alerts with one comment, each on its own timeline
//
// Errors throw services::ControlError: not_found (no such alert), bad_request (bad
// input), refused (the transition does not apply to the alert as it is).
//
// Threading: methods run on a read-pool worker, several at once; reads lease a
// connection of the shared read-only pool. Acknowledge, resolve and comment are checked
// at once against the current row and then posted to the StoreWriter (the only writer),
// which applies the transition again to the row as it is then and audits it; the change
// is visible to reads once that job ran (milliseconds).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "daemon/config/escalation_config.h"
#include "daemon/config/schedule_bundle.h"
#include "daemon/core/alert.h"
#include "daemon/core/clock.h"
#include "daemon/core/outbox_row.h"
#include "daemon/store/alert_repository.h"
#include "daemon/store/read_connections.h"
#include "daemon/store/store_writer.h"

namespace pingan::services {

struct AlertCommandContext {
  const core::Clock& clock;
  store::ReadPool reads;  // read-only connections, shared
  store::StoreWriter& writer;
  const config::ScheduleSource& schedules;
  config::EscalationSource escalation;  // holds null when escalation is not configured
};

// Which alerts List answers: the store's filter, so that its shape is written once.
using AlertQuery = store::AlertFilter;
// The query with state and kind parsed from text ("" = any); bad_request otherwise.
AlertQuery ParseAlertQuery(const std::string& state, const std::string& kind);

struct AlertDetail {
  core::Alert alert;                    // with its timeline and the people notified
  std::vector<core::OutboxRow> outbox;  // its notifications, at most 200
};

struct AckRequest {
  std::string id;
  std::string who;
  std::string comment;
};
struct AckResult {
  std::string id;
  std::optional<core::Instant> ack_expires_at;
};

// Several alerts taken at once (13 missed reports after one deadline): each is
// acknowledged as by Acknowledge, with the same comment on each one's timeline.
inline constexpr size_t kMaxBulkAck = 500;
struct BulkAckRequest {
  std::vector<std::string> ids;  // 1..kMaxBulkAck, repeats taken once
  std::string who;
  std::string comment;
};
struct BulkAckRefusal {
  std::string id;
  std::string code;  // a ControlError code: not_found, refused, bad_request
  std::string message;
};
struct BulkAckResult {
  std::vector<AckResult> acknowledged;
  std::vector<BulkAckRefusal> refused;  // the others go ahead regardless
};

// The queue as of `now` (the daemon's clock: ages in a drill are drill time).
struct AlertQueue {
  core::Instant now{};
  std::vector<core::Alert> alerts;
};

struct ResolveRequest {
  std::string id;
  std::string who;
  std::string comment;
  core::ResolveReason reason = core::ResolveReason::kHandled;
};
// handled | false_alarm; bad_request otherwise.
core::ResolveReason ParseResolveRequestReason(const std::string& text);

struct CommentRequest {
  std::string id;
  std::string who;
  std::string comment;
};

struct OutboxQuery {
  std::optional<core::OutboxStatus> state;
  int limit = 200;
};
// The query with state parsed from text ("" = any); bad_request otherwise.
OutboxQuery ParseOutboxQuery(const std::string& state, int limit);

struct OutboxListing {
  std::vector<core::OutboxRow> rows;
  std::map<core::OutboxStatus, int64_t> counts;  // every state, zero included
};

class AlertService {
 public:
  explicit AlertService(AlertCommandContext context) : c_(std::move(context)) {}

  // Summaries: the alerts without their timelines (Find has them).
  std::vector<core::Alert> List(const AlertQuery& query) const;
  // The alert with its timeline; not_found when it does not exist.
  core::Alert Find(const std::string& id) const;
  AlertDetail Show(const std::string& id) const;
  AckResult Acknowledge(const AckRequest& request) const;
  // bad_request when the list is empty or too long; each alert's own refusal is in
  // the answer.
  BulkAckResult AcknowledgeEach(const BulkAckRequest& request) const;
  // Every unresolved alert (at most kMaxQueue), in queue order.
  static constexpr int kMaxQueue = 10000;
  AlertQueue Queue() const;
  void Resolve(const ResolveRequest& request) const;
  void Comment(const CommentRequest& request) const;
  OutboxListing ListOutbox(const OutboxQuery& query) const;

  // The organisation the JSON views name schools from.
  const config::ScheduleSource& schedules() const { return c_.schedules; }

 private:
  using Transition = std::function<core::AlertResult(const core::Alert&, core::Instant)>;
  core::Millis AckTimeout(const core::Alert& a) const;
  void ApplyLater(const std::string& id, const std::string& who, const std::string& action,
                  const std::string& detail, Transition transition) const;

  AlertCommandContext c_;
};

}  // namespace pingan::services

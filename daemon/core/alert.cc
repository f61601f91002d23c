#include "daemon/core/alert.h"

#include <utility>

#include "daemon/core/text.h"

namespace pingan::core {
namespace {

AlertError Refusal(const Alert& alert, std::string message) {
  return AlertError{alert.id, std::move(message)};
}

enum class CommentIs { kRequired, kOptional };

// Checks the free-form inputs of a person's action; nullopt when they are acceptable.
std::optional<std::string> CheckActorAndComment(std::string_view who, std::string_view comment,
                                                CommentIs need = CommentIs::kRequired) {
  if (TrimSpace(who).empty()) return "an actor is required";
  if (need == CommentIs::kRequired && TrimSpace(comment).empty()) return "a comment is required";
  if (comment.size() > kMaxCommentBytes) return "the comment is longer than 2000 bytes";
  if (!IsValidUtf8(comment) || !IsValidUtf8(who)) return "the text is not valid UTF-8";
  return std::nullopt;
}

Alert NewWindowAlert(AlertKind kind, std::string id, std::string school_id,
                     std::string requirement_id, std::string window_id, Instant now) {
  Alert a;
  a.id = std::move(id);
  a.kind = kind;
  a.school_id = std::move(school_id);
  a.requirement_id = std::move(requirement_id);
  a.window_id = std::move(window_id);
  a.created_at = now;
  a.timeline.push_back({now, std::string(kSystemActor), "raised", ""});
  return a;
}

Alert Resolved(const Alert& alert, ResolveReason reason, std::string_view who,
               std::string_view comment, Instant now) {
  Alert a = alert;
  a.state = AlertState::kResolved;
  a.resolve_reason = reason;
  a.resolved_at = now;
  a.ack_expires_at.reset();
  a.escalation.next_step_at.reset();
  a.timeline.push_back({now, std::string(who), "resolved",
                        std::string(ResolveReasonName(reason)) +
                            (comment.empty() ? "" : ": " + std::string(comment))});
  return a;
}

}  // namespace

Alert NewMissingAlert(std::string id, std::string school_id, std::string requirement_id,
                      std::string window_id, Instant now) {
  return NewWindowAlert(AlertKind::kMissing, std::move(id), std::move(school_id),
                        std::move(requirement_id), std::move(window_id), now);
}

Alert NewLateAlert(std::string id, std::string school_id, std::string requirement_id,
                   std::string window_id, Instant now) {
  return NewWindowAlert(AlertKind::kLate, std::move(id), std::move(school_id),
                        std::move(requirement_id), std::move(window_id), now);
}

AlertResult NewIncidentAlert(std::string id, const Report& report, Instant now) {
  if (report.kind != ReportKind::kIncident || !report.incident.has_value()) {
    return AlertError{id, "report " + report.report_id + " carries no incident"};
  }
  Alert a;
  a.id = std::move(id);
  a.kind = AlertKind::kIncident;
  a.school_id = report.school_id;
  a.report_id = report.report_id;
  a.severity = report.incident->severity;
  a.needs_leader_attention = report.incident->needs_leader_attention;
  a.created_at = now;
  // The summary stays in the report (protected); the alert only says an incident exists.
  a.timeline.push_back({now, std::string(kSystemActor), "raised",
                        "severity " + std::string(SeverityName(*a.severity))});
  return a;
}

AlertResult Acknowledge(const Alert& alert, std::string_view who, std::string_view comment,
                        Instant now, Millis ack_timeout) {
  if (alert.state == AlertState::kResolved) return Refusal(alert, "the alert is already resolved");
  if (alert.state == AlertState::kAcknowledged) {
    return Refusal(alert, "the alert is already acknowledged by " + alert.acknowledged_by);
  }
  // Taking an alert is one tap: the comment is optional (a duty room acknowledging 13
  // missed reports has nothing to say about each).
  if (auto problem = CheckActorAndComment(who, comment, CommentIs::kOptional)) {
    return Refusal(alert, *problem);
  }
  if (ack_timeout < Millis{0}) return Refusal(alert, "the acknowledgement timeout is negative");
  Alert a = alert;
  a.state = AlertState::kAcknowledged;
  a.acknowledged_by = std::string(TrimSpace(who));
  a.acknowledged_at = now;
  a.ack_expires_at.reset();
  if (ack_timeout > Millis{0}) a.ack_expires_at = now + ack_timeout;
  a.escalation.next_step_at.reset();  // escalation stops; step/repetition are kept
  a.timeline.push_back({now, a.acknowledged_by, "acknowledged", std::string(TrimSpace(comment))});
  // A late report is already in: taking note of it is all there is to do.
  if (a.kind == AlertKind::kLate) {
    return Resolved(a, ResolveReason::kHandled, a.acknowledged_by, "acknowledged", now);
  }
  return a;
}

AlertResult Comment(const Alert& alert, std::string_view who, std::string_view comment,
                    Instant now) {
  if (auto problem = CheckActorAndComment(who, comment)) return Refusal(alert, *problem);
  Alert a = alert;
  a.timeline.push_back({now, std::string(TrimSpace(who)), "commented", std::string(comment)});
  return a;
}

AlertResult Resolve(const Alert& alert, ResolveReason reason, std::string_view who,
                    std::string_view comment, Instant now) {
  if (alert.state == AlertState::kResolved) return Refusal(alert, "the alert is already resolved");
  if (reason == ResolveReason::kLateReportReceived || reason == ResolveReason::kExcused) {
    return Refusal(alert, "late reports and exemptions resolve alerts by themselves");
  }
  if (auto problem = CheckActorAndComment(who, comment)) return Refusal(alert, *problem);
  return Resolved(alert, reason, TrimSpace(who), comment, now);
}

AlertResult ResolveByLateReport(const Alert& alert, std::string_view report_id, Instant now) {
  if (alert.kind != AlertKind::kMissing) {
    return Refusal(alert, "only a missing-report alert is resolved by a late report");
  }
  if (alert.state == AlertState::kResolved) return Refusal(alert, "the alert is already resolved");
  if (report_id.empty()) return Refusal(alert, "the late report has no id");
  Alert a = Resolved(alert, ResolveReason::kLateReportReceived, kSystemActor,
                     "report " + std::string(report_id), now);
  a.report_id = std::string(report_id);
  return a;
}

AlertResult ResolveByExemption(const Alert& alert, std::string_view exemption_id, Instant now) {
  if (alert.kind != AlertKind::kMissing) {
    return Refusal(alert, "only a missing-report alert is resolved by an exemption");
  }
  if (alert.state == AlertState::kResolved) return Refusal(alert, "the alert is already resolved");
  return Resolved(alert, ResolveReason::kExcused, kSystemActor,
                  "exemption " + std::string(exemption_id), now);
}

bool AckTimedOut(const Alert& alert, Instant now) {
  return alert.state == AlertState::kAcknowledged && alert.ack_expires_at.has_value() &&
         *alert.ack_expires_at <= now;
}

AlertResult ReopenAfterAckTimeout(const Alert& alert, Instant now) {
  if (!AckTimedOut(alert, now)) {
    return Refusal(alert, "the alert has no lapsed acknowledgement");
  }
  Alert a = alert;
  a.state = AlertState::kOpen;
  a.timeline.push_back({now, std::string(kSystemActor), "ack_timeout",
                        "acknowledged by " + a.acknowledged_by + " but not resolved in time"});
  a.acknowledged_by.clear();
  a.acknowledged_at.reset();
  a.ack_expires_at.reset();
  a.escalation.next_step_at = now;
  return a;
}

Alert NoteOnTimeline(const Alert& alert, std::string_view what, std::string_view comment,
                     Instant now) {
  Alert a = alert;
  a.timeline.push_back({now, std::string(kSystemActor), std::string(what), std::string(comment)});
  return a;
}

std::string_view AlertKindName(AlertKind kind) {
  switch (kind) {
    case AlertKind::kMissing:
      return "missing";
    case AlertKind::kLate:
      return "late";
    case AlertKind::kIncident:
      return "incident";
  }
  return "unknown";
}

std::optional<AlertKind> ParseAlertKind(std::string_view name) {
  for (auto k : {AlertKind::kMissing, AlertKind::kLate, AlertKind::kIncident}) {
    if (AlertKindName(k) == name) return k;
  }
  return std::nullopt;
}

std::string_view AlertStateName(AlertState state) {
  switch (state) {
    case AlertState::kOpen:
      return "open";
    case AlertState::kAcknowledged:
      return "acknowledged";
    case AlertState::kResolved:
      return "resolved";
  }
  return "unknown";
}

std::optional<AlertState> ParseAlertState(std::string_view name) {
  for (auto s : {AlertState::kOpen, AlertState::kAcknowledged, AlertState::kResolved}) {
    if (AlertStateName(s) == name) return s;
  }
  return std::nullopt;
}

std::string_view ResolveReasonName(ResolveReason r) {
  switch (r) {
    case ResolveReason::kLateReportReceived:
      return "late_report_received";
    case ResolveReason::kHandled:
      return "handled";
    case ResolveReason::kFalseAlarm:
      return "false_alarm";
    case ResolveReason::kExcused:
      return "excused";
  }
  return "unknown";
}

std::optional<ResolveReason> ParseResolveReason(std::string_view name) {
  for (auto r : {ResolveReason::kLateReportReceived, ResolveReason::kHandled,
                 ResolveReason::kFalseAlarm, ResolveReason::kExcused}) {
    if (ResolveReasonName(r) == name) return r;
  }
  return std::nullopt;
}

}  // namespace pingan::core

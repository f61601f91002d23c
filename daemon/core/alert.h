// Alert: one missing report, late report or incident that people must look at, with
// its lifecycle (open -> acknowledged -> resolved), its timeline and its escalation
// position.
//
// Plain values the store persists as they are. Transitions are pure functions that
// validate and return a new Alert or an AlertError; they never read a clock (the caller
// passes `now`). No shared state: safe on any thread, callers serialise updates of one
// alert themselves (the store does).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "daemon/core/clock.h"
#include "daemon/core/recipient.h"
#include "daemon/core/report.h"

namespace pingan::core {

enum class AlertKind { kMissing, kLate, kIncident };
enum class AlertState { kOpen, kAcknowledged, kResolved };
// kExcused: an exemption (免报) made after the sweep covers the alert's window.
// kLateReportReceived and kExcused are the system's; people resolve with the others.
enum class ResolveReason { kLateReportReceived, kHandled, kFalseAlarm, kExcused };

// One line of the alert's history, shown on the console and kept for audits. `what` is a
// stable code ("raised", "notified", "acknowledged", "ack_timeout", "resolved",
// "escalation_exhausted", "warning", "delivery_failed"); `comment` is text for people.
struct TimelineEntry {
  Instant at{};
  std::string actor;  // user name, or "system"
  std::string what;
  std::string comment;

  friend bool operator==(const TimelineEntry&, const TimelineEntry&) = default;
};

// Where the alert stands in its escalation policy. `step` is the index of the NEXT step
// to run in pass `repetition` (0-based); `next_step_at` is when it runs (empty while
// acknowledged, resolved or exhausted).
struct EscalationPosition {
  std::string policy_id;  // fixed when escalation starts, so a period change mid-way
                          // does not swap the chain under a running alert
  bool started = false;
  int step = 0;
  int repetition = 0;
  std::optional<Instant> next_step_at;
  bool exhausted = false;
  bool leaders_notified = false;  // the severity I/II fast path ran

  friend bool operator==(const EscalationPosition&, const EscalationPosition&) = default;
};

// Someone who was told about the alert, over which channels: these people also hear
// when it is resolved. `pass` is the escalation pass (repetition) of the last notice
// they were sent, so that a later step of the same pass does not tell them again.
struct NotifiedRecipient {
  Recipient recipient;
  std::vector<ChannelKind> channels;
  Instant first_at{};
  int pass = 0;

  friend bool operator==(const NotifiedRecipient&, const NotifiedRecipient&) = default;
};

struct Alert {
  std::string id;
  AlertKind kind = AlertKind::kMissing;
  std::string school_id;
  std::string requirement_id;  // missing / late
  std::string window_id;       // missing / late
  std::string report_id;       // incident; for a missing alert, the late report that resolved it
  std::optional<Severity> severity;  // incident only
  bool needs_leader_attention = false;
  Instant created_at{};

  AlertState state = AlertState::kOpen;
  std::string acknowledged_by;
  std::optional<Instant> acknowledged_at;
  std::optional<Instant> ack_expires_at;  // an acknowledgement lapses here (re-opens)
  std::optional<ResolveReason> resolve_reason;
  std::optional<Instant> resolved_at;

  std::vector<TimelineEntry> timeline;
  EscalationPosition escalation;
  std::vector<NotifiedRecipient> notified;
};

struct AlertError {
  std::string alert_id;
  std::string message;
};
using AlertResult = std::variant<Alert, AlertError>;

// Longest comment accepted on acknowledge / resolve, in bytes.
inline constexpr size_t kMaxCommentBytes = 2000;
inline constexpr std::string_view kSystemActor = "system";

Alert NewMissingAlert(std::string id, std::string school_id, std::string requirement_id,
                      std::string window_id, Instant now);
Alert NewLateAlert(std::string id, std::string school_id, std::string requirement_id,
                   std::string window_id, Instant now);
// Copies severity and the leader flag from the report's incident, never its free text.
// Fails when the report carries no incident.
AlertResult NewIncidentAlert(std::string id, const Report& report, Instant now);

// A person takes the alert: escalation stops. A late alert (the report is in: there is
// nothing left to chase) is resolved by its acknowledgement, as handled, with no
// timeout. Otherwise `ack_timeout` > 0 makes the
// acknowledgement lapse after that long unless the alert is resolved (see
// ReopenAfterAckTimeout); 0 means it never lapses. `who` is required, `comment` optional.
AlertResult Acknowledge(const Alert& alert, std::string_view who, std::string_view comment,
                        Instant now, Millis ack_timeout);

// Closes the alert. kHandled and kFalseAlarm need a person and a comment;
// kLateReportReceived is for the system (see ResolveByLateReport).
AlertResult Resolve(const Alert& alert, ResolveReason reason, std::string_view who,
                    std::string_view comment, Instant now);

// A note on the alert's timeline ("called the principal, no answer yet") without
// changing its state or escalation; allowed in every state. `who` and `comment` required.
AlertResult Comment(const Alert& alert, std::string_view who, std::string_view comment,
                    Instant now);

// A missing alert's report arrived after all: resolve it and remember the report.
AlertResult ResolveByLateReport(const Alert& alert, std::string_view report_id, Instant now);

// An exemption made after the sweep covers a missing alert's window: resolve it,
// naming the exemption (its reason stays on the exemption, not on the alert).
AlertResult ResolveByExemption(const Alert& alert, std::string_view exemption_id, Instant now);

// True when the alert is acknowledged and its acknowledgement has lapsed at `now`.
bool AckTimedOut(const Alert& alert, Instant now);

// The acknowledgement lapsed: the alert is open again and its escalation continues at
// `now` with the step that was pending (the escalation engine calls this).
AlertResult ReopenAfterAckTimeout(const Alert& alert, Instant now);

// Appends a system line (e.g. "SMS to 王五 failed permanently, fell back to email").
Alert NoteOnTimeline(const Alert& alert, std::string_view what, std::string_view comment,
                     Instant now);

std::string_view AlertKindName(AlertKind kind);  // "missing", "late", "incident"
std::optional<AlertKind> ParseAlertKind(std::string_view name);
std::string_view AlertStateName(AlertState state);  // "open", "acknowledged", "resolved"
std::optional<AlertState> ParseAlertState(std::string_view name);
std::string_view ResolveReasonName(ResolveReason r);  // "late_report_received", ...
std::optional<ResolveReason> ParseResolveReason(std::string_view name);

}  // namespace pingan::core

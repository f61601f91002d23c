// Escalation engine: given an alert, its policy, the org tree and the rosters, decide
// which notifications are due now and where the alert's escalation stands next.
//
// Pure, imperative-shell style: no clock reads, no I/O, no hidden state. Everything the
// engine remembers lives in the returned Alert (EscalationPosition, notified list,
// timeline), which the store persists together with the alert's NextWakeup(). Nothing
// arms a timer for it: jobs/'s EscalationRunner polls on a fixed tick (escalation
// `runner.tick`, 1 s by default), loads the alerts whose stored wake-up has come and
// calls OnTick with them. Safe on any thread as long as the inputs are not mutated
// meanwhile.
#pragma once

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "daemon/core/alert.h"
#include "daemon/core/escalation_policy.h"
#include "daemon/core/org_tree.h"
#include "daemon/core/recipient.h"
#include "daemon/core/roster.h"

namespace pingan::core {

// What a message says about its alert(s).
enum class MessageKind {
  kAlert,     // first notice from a step (or the leader fast path)
  kReminder,  // a later pass of the policy (repeat)
  kReopened,  // an acknowledgement lapsed and escalation continues
  kResolved,  // the alert was resolved (sent to everyone notified before)
  kDueSoon,   // before a deadline: the school has not reported yet (no alert exists)
};
std::string_view MessageKindName(MessageKind kind);  // "alert", "reminder", ...
std::optional<MessageKind> ParseMessageKind(std::string_view name);

// Pseudo step numbers, so idempotency keys stay distinct from policy steps.
inline constexpr int kLeaderStep = -1;    // severity I/II fast path
inline constexpr int kResolvedStep = -2;  // "resolved" notices

// One recipient to tell about one alert. Carries the alert's non-protected facts so
// grouping and templates need nothing else (never any incident free text).
struct Notification {
  std::string alert_id;
  AlertKind alert_kind = AlertKind::kMissing;
  std::string school_id;
  std::string requirement_id;
  std::string window_id;
  std::optional<Severity> severity;
  bool needs_leader_attention = false;
  int step = 0;  // policy step index, kLeaderStep or kResolvedStep
  int repetition = 0;
  MessageKind message = MessageKind::kAlert;
  std::optional<ResolveReason> resolve_reason;
  Recipient recipient;
  std::vector<ChannelKind> channels;  // fallback order; never empty
  // From an `all_at_once` step: this is one of several notifications to the recipient,
  // one per channel, each with that channel alone, delivered independently.
  bool all_at_once = false;
};

struct EscalationContext {
  const OrgTree& tree;
  const Rosters& rosters;
  const EscalationConfig& config;
};

struct EscalationDecision {
  Alert alert;  // the updated alert to persist (position, timeline, notified)
  std::vector<Notification> notifications;  // to group and put in the outbox
  std::vector<std::string> warnings;        // also on the alert's timeline
};

// Runs what is due at `now`: re-opens a lapsed acknowledgement, starts escalation on a
// new alert, sends the leader fast path once, and fires every policy step whose time has
// come (several after downtime; a recipient gets at most one notification per call).
// Steps are anchored to their scheduled times so a late tick does not shift the chain.
// `policy` may be null (nothing matched): only the leader fast path runs and the alert
// is marked exhausted with a warning.
EscalationDecision Advance(const Alert& alert, const Policy* policy, const EscalationContext& ctx,
                           Instant now);

// When Advance should run next for this alert; nullopt when nothing is pending.
std::optional<Instant> NextWakeup(const Alert& alert);

// The "resolved" notices for a resolved alert: one per recipient already notified whose
// message may have reached them (`reached`: their RecipientKeys; a message withdrawn
// before it was sent reached no one), over the channels used then. Empty when the alert
// is not resolved.
std::vector<Notification> ResolutionNotices(const Alert& alert,
                                            const std::set<std::string>& reached);

// The calendar period kinds and tags that choose an alert's policy (PolicyPeriodKinds).
using PeriodKindsFn = std::function<std::vector<std::string>(const Alert&)>;

// Batch form for jobs/'s EscalationRunner: Advance for every alert whose NextWakeup() <= now, with
// the policy the alert started with (or, for a new alert, the one SelectPolicy picks).
std::vector<EscalationDecision> OnTick(const std::vector<Alert>& alerts,
                                       const EscalationContext& ctx,
                                       const PeriodKindsFn& period_kinds, Instant now);

}  // namespace pingan::core

#include "daemon/core/escalation_engine.h"

#include <algorithm>
#include <set>

namespace pingan::core {
namespace {

Recipient FromContact(const Contact& c) {
  return Recipient{c.name, c.phone, c.email, ""};
}

// Accumulates one Advance call: the alert being updated plus what to send and say.
class Run {
 public:
  Run(const Alert& alert, const EscalationContext& ctx, Instant now)
      : ctx_(ctx), now_(now), decision_{alert, {}, {}} {
    school_ = ctx.tree.Find(alert.school_id);
  }

  Alert& alert() { return decision_.alert; }
  EscalationDecision Take() { return std::move(decision_); }

  void Warn(std::string text) {
    decision_.alert.timeline.push_back({now_, std::string(kSystemActor), "warning", text});
    decision_.warnings.push_back(std::move(text));
  }

  void Note(std::string what, std::string comment) {
    decision_.alert.timeline.push_back(
        {now_, std::string(kSystemActor), std::move(what), std::move(comment)});
  }

  // Everyone `t` names right now.
  std::vector<Recipient> Resolve(const Target& t) {
    return ResolveTarget(t, decision_.alert.school_id, ctx_.tree, ctx_.config, ctx_.rosters, now_,
                         [this](std::string text) { Warn(std::move(text)); });
  }

  // Queues one notification per recipient not yet told in this pass; records who was
  // told. A person reached twice (a leader also named by a later step, a duty officer
  // who is also a contact) gets one message per alert and pass, whatever reached them;
  // a lapsed acknowledgement (kReopened) is news and reaches everyone its step names.
  // With `all_at_once` each recipient gets one notification per usable channel.
  void Notify(const std::vector<Recipient>& recipients, const std::vector<ChannelKind>& channels,
              int step, int repetition, MessageKind message, const std::string& what,
              bool all_at_once = false) {
    std::string names, already;
    for (const Recipient& r : recipients) {
      const std::string key = RecipientKey(r);
      if (!told_.insert(key).second) continue;
      if (message != MessageKind::kReopened && ToldInPass(key, repetition)) {
        already += (already.empty() ? "" : ", ") + r.name;
        continue;
      }
      std::vector<ChannelKind> usable = UsableChannels(r, channels);
      if (usable.empty()) {
        Warn(r.name + " has no address for this step's channels");
        continue;
      }
      if (all_at_once) {
        for (ChannelKind k : usable) {
          decision_.notifications.push_back(MakeNotification(r, {k}, step, repetition, message));
          decision_.notifications.back().all_at_once = true;
        }
      } else {
        decision_.notifications.push_back(MakeNotification(r, usable, step, repetition, message));
      }
      Remember(r, usable, repetition);
      names += (names.empty() ? "" : ", ") + r.name;
    }
    Note("notified", what + ": " + (names.empty() ? "nobody" : names) +
                         (already.empty() ? "" : "; already told: " + already));
  }

  const Unit* school() const { return school_; }
  const EscalationContext& ctx() const { return ctx_; }

 private:
  Notification MakeNotification(const Recipient& r, std::vector<ChannelKind> channels, int step,
                                int repetition, MessageKind message) const {
    const Alert& a = decision_.alert;
    return Notification{a.id,
                        a.kind,
                        a.school_id,
                        a.requirement_id,
                        a.window_id,
                        a.severity,
                        a.needs_leader_attention,
                        step,
                        repetition,
                        message,
                        std::nullopt,
                        r,
                        std::move(channels)};
  }

  const NotifiedRecipient* FindNotified(const std::string& key) const {
    for (const NotifiedRecipient& n : decision_.alert.notified) {
      if (RecipientKey(n.recipient) == key) return &n;
    }
    return nullptr;
  }

  bool ToldInPass(const std::string& key, int repetition) const {
    const NotifiedRecipient* n = FindNotified(key);
    return n != nullptr && n->pass == repetition;
  }

  void Remember(const Recipient& r, const std::vector<ChannelKind>& channels, int repetition) {
    auto& notified = decision_.alert.notified;
    auto it = std::find_if(notified.begin(), notified.end(), [&](const NotifiedRecipient& n) {
      return RecipientKey(n.recipient) == RecipientKey(r);
    });
    if (it == notified.end()) {
      notified.push_back({r, channels, now_, repetition});
      return;
    }
    it->pass = repetition;
    for (ChannelKind k : channels) {
      if (std::find(it->channels.begin(), it->channels.end(), k) == it->channels.end()) {
        it->channels.push_back(k);
      }
    }
  }

  const EscalationContext& ctx_;
  Instant now_;
  EscalationDecision decision_;
  const Unit* school_ = nullptr;
  std::set<std::string> told_;  // recipient keys told during this call
};

void NotifyLeaders(Run& run) {
  const LeaderRule& rule = run.ctx().config.leaders;
  std::vector<Recipient> leaders;
  if (run.school() != nullptr) {
    for (const Unit* u : run.ctx().tree.Ancestors(*run.school())) {
      // UnitKind is ordered from the root down: a smaller value is a higher level.
      if (static_cast<int>(u->kind) > static_cast<int>(rule.lowest_unit_kind)) continue;
      for (ContactRole role : rule.roles) {
        for (const Contact* c : run.ctx().tree.ContactsFor(*u, role)) {
          leaders.push_back(FromContact(*c));
        }
      }
    }
  }
  if (leaders.empty()) run.Warn("no leaders found above the school for the leader fast path");
  run.Notify(leaders, rule.channels, kLeaderStep, 0, MessageKind::kAlert, "leaders",
             rule.all_at_once);
  run.alert().escalation.leaders_notified = true;
}

// Moves the position past the step that fired at `fired_at`.
void StepForward(Run& run, const Policy& policy, Instant fired_at) {
  EscalationPosition& pos = run.alert().escalation;
  ++pos.step;
  if (pos.step < static_cast<int>(policy.steps.size())) {
    pos.next_step_at = fired_at + policy.steps[pos.step].wait;
  } else if (pos.repetition < policy.repeat) {
    ++pos.repetition;
    pos.step = 0;
    pos.next_step_at = fired_at + policy.repeat_interval;
  } else {
    pos.exhausted = true;
    pos.next_step_at.reset();
    run.Note("escalation_exhausted", "policy " + policy.id + " has no further steps");
  }
}

void FireDueSteps(Run& run, const Policy& policy, Instant now, bool reopened) {
  EscalationPosition& pos = run.alert().escalation;
  const int n_steps = static_cast<int>(policy.steps.size());
  // Bounded: at most every step of every pass once per call.
  for (int guard = n_steps * (policy.repeat + 1) + 1; guard > 0; --guard) {
    if (pos.exhausted || !pos.next_step_at || *pos.next_step_at > now) return;
    if (pos.step >= n_steps) pos.step = n_steps - 1;  // the policy shrank under the alert
    const Step& step = policy.steps[pos.step];
    std::vector<Recipient> recipients;
    for (const Target& t : step.targets) {
      for (Recipient& r : run.Resolve(t)) recipients.push_back(std::move(r));
    }
    const MessageKind message = reopened         ? MessageKind::kReopened
                                : pos.repetition ? MessageKind::kReminder
                                                 : MessageKind::kAlert;
    reopened = false;
    run.Notify(
        recipients, step.channels, pos.step, pos.repetition, message,
        "step " + std::to_string(pos.step + 1) + ", pass " + std::to_string(pos.repetition + 1),
        step.all_at_once);
    StepForward(run, policy, *pos.next_step_at);
  }
}

}  // namespace

std::string_view MessageKindName(MessageKind kind) {
  switch (kind) {
    case MessageKind::kAlert:
      return "alert";
    case MessageKind::kReminder:
      return "reminder";
    case MessageKind::kReopened:
      return "reopened";
    case MessageKind::kResolved:
      return "resolved";
    case MessageKind::kDueSoon:
      return "due_soon";
  }
  return "unknown";
}

std::optional<MessageKind> ParseMessageKind(std::string_view name) {
  for (auto k : {MessageKind::kAlert, MessageKind::kReminder, MessageKind::kReopened,
                 MessageKind::kResolved, MessageKind::kDueSoon}) {
    if (MessageKindName(k) == name) return k;
  }
  return std::nullopt;
}

EscalationDecision Advance(const Alert& alert, const Policy* policy, const EscalationContext& ctx,
                           Instant now) {
  if (alert.state == AlertState::kResolved) return EscalationDecision{alert, {}, {}};
  Run run(alert, ctx, now);
  EscalationPosition& pos = run.alert().escalation;
  bool reopened = false;
  if (AckTimedOut(alert, now)) {
    run.alert() = std::get<Alert>(ReopenAfterAckTimeout(alert, now));
    reopened = true;
    if (pos.exhausted && policy != nullptr) {
      // Tell the top of the chain again, as an extra pass so idempotency keys differ.
      pos.exhausted = false;
      pos.step = static_cast<int>(policy->steps.size()) - 1;
      ++pos.repetition;
    }
  }
  const bool open = run.alert().state == AlertState::kOpen;
  if (!pos.started) {
    pos.started = true;
    pos.policy_id = policy != nullptr ? policy->id : "";
    if (policy == nullptr) {
      pos.exhausted = true;
      run.Warn("no escalation policy matches this alert");
    } else if (open) {  // acknowledged before the first run: step 0 waits for a lapse
      pos.next_step_at = alert.created_at + policy->steps.front().wait;
    }
  } else if (policy == nullptr && !pos.exhausted) {
    // Without a chain the alert would be due forever: stop, visibly.
    run.Warn("policy " + pos.policy_id + " is gone and none matches; escalation stops");
    pos.exhausted = true;
    pos.next_step_at.reset();
  } else if (policy != nullptr && pos.policy_id != policy->id) {
    run.Warn("policy " + pos.policy_id + " is gone; continuing with " + policy->id);
    pos.policy_id = policy->id;
  }
  // Leaders hear of a grave incident even if someone acknowledged it within seconds.
  if (!pos.leaders_notified && LeaderRuleApplies(ctx.config.leaders, run.alert())) {
    NotifyLeaders(run);
  }
  if (!open) return run.Take();
  if (policy != nullptr) FireDueSteps(run, *policy, now, reopened);
  return run.Take();
}

std::optional<Instant> NextWakeup(const Alert& alert) {
  switch (alert.state) {
    case AlertState::kResolved:
      return std::nullopt;
    case AlertState::kAcknowledged:
      if (!alert.escalation.started) return alert.created_at;  // leader fast path
      return alert.ack_expires_at;
    case AlertState::kOpen:
      if (!alert.escalation.started) return alert.created_at;
      return alert.escalation.next_step_at;
  }
  return std::nullopt;
}

std::vector<Notification> ResolutionNotices(const Alert& alert,
                                            const std::set<std::string>& reached) {
  std::vector<Notification> out;
  if (alert.state != AlertState::kResolved) return out;
  for (const NotifiedRecipient& n : alert.notified) {
    if (!reached.contains(RecipientKey(n.recipient))) continue;
    out.push_back(Notification{alert.id, alert.kind, alert.school_id, alert.requirement_id,
                               alert.window_id, alert.severity, alert.needs_leader_attention,
                               kResolvedStep, 0, MessageKind::kResolved, alert.resolve_reason,
                               n.recipient, n.channels});
  }
  return out;
}

std::vector<EscalationDecision> OnTick(const std::vector<Alert>& alerts,
                                       const EscalationContext& ctx,
                                       const PeriodKindsFn& period_kinds, Instant now) {
  std::vector<EscalationDecision> out;
  for (const Alert& a : alerts) {
    auto due = NextWakeup(a);
    if (!due || *due > now) continue;
    const Policy* policy = a.escalation.started ? FindPolicy(ctx.config, a.escalation.policy_id)
                                                : SelectPolicy(ctx.config, a, period_kinds(a));
    if (policy == nullptr && a.escalation.started && !a.escalation.policy_id.empty()) {
      // The policy was removed by a configuration change: pick again.
      policy = SelectPolicy(ctx.config, a, period_kinds(a));
    }
    out.push_back(Advance(a, policy, ctx, now));
  }
  return out;
}

}  // namespace pingan::core

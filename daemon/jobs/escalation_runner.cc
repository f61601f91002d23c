#include "daemon/jobs/escalation_runner.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>
#include "daemon/store/write_transaction.h"

#include "daemon/core/alert_rules.h"
#include "daemon/core/escalation_engine.h"
#include "daemon/core/grouping.h"
#include "daemon/core/local_time.h"
#include "daemon/store/alert_repository.h"
#include "daemon/store/ledger_repository.h"
#include "daemon/store/outbox_repository.h"
#include "daemon/store/report_repository.h"

namespace pingan::jobs {
namespace {

const core::OrgTree& EmptyTree() {
  static const core::OrgTree kEmpty = std::get<core::OrgTree>(core::OrgTree::Build({}));
  return kEmpty;
}

// Runs the policies over the due unresolved alerts; saves them.
void Advance(store::AlertRepository& alerts, const std::vector<core::Alert>& due,
             const config::ScheduleBundle* bundle, const config::EscalationSetup& setup,
             core::Instant now, std::vector<core::Notification>& out,
             EscalationRunOutcome& outcome) {
  const core::EscalationContext ctx{bundle != nullptr ? bundle->tree : EmptyTree(), setup.rosters,
                                    setup.settings.policies};
  const core::PeriodKindsFn period_kinds = [&](const core::Alert& a) {
    return bundle != nullptr ? PolicyPeriodKinds(*bundle, a) : std::vector<std::string>{};
  };
  for (core::EscalationDecision& d : core::OnTick(due, ctx, period_kinds, now)) {
    alerts.Save(d.alert);
    ++outcome.advanced;
    for (std::string& w : d.warnings) outcome.warnings.push_back("alert " + d.alert.id + ": " + w);
    for (core::Notification& n : d.notifications) out.push_back(std::move(n));
  }
}

// Withdraws what is still queued about each resolved alert and queues "resolved"
// notices for everyone its messages may have reached; notes it on the timeline (which
// also settles ResolutionNoticesOwed). The resolve itself withdrew the queue already
// (store::ApplyAlertChange, LedgerRecorder); doing it again here covers any other path.
void NoticeResolutions(store::AlertRepository& alerts, store::OutboxRepository& outbox,
                       const std::vector<core::Alert>& resolved, core::Instant now,
                       std::vector<core::Notification>& out, EscalationRunOutcome& outcome) {
  for (const core::Alert& a : resolved) {
    if (!core::ResolutionNoticesOwed(a)) continue;
    outbox.WithdrawFor(a.id);
    std::string names;
    for (core::Notification& n : core::ResolutionNotices(a, outbox.ReachedAbout(a.id))) {
      names += (names.empty() ? "" : ", ") + n.recipient.name;
      out.push_back(std::move(n));
      ++outcome.resolution_notices;
    }
    alerts.Save(core::NoteOnTimeline(
        a, "notified",
        "resolved notice: " + (names.empty() ? "nobody (no message had gone out)" : names), now));
  }
}

// Groups now, or through the hold table when a grouping window is configured.
std::vector<core::GroupedMessage> Group(store::OutboxRepository& outbox,
                                        std::vector<core::Notification> notes,
                                        const core::GroupingOptions& options, core::Instant now,
                                        EscalationRunOutcome& outcome) {
  if (options.window <= core::Millis{0})
    return core::GroupNow(notes, options.max_alerts_per_message);
  for (const core::Notification& n : notes) outbox.Hold(n, now);
  core::GroupBuffer buffer;
  const std::vector<store::HeldNotification> held = outbox.Held();
  std::vector<int64_t> broken;
  for (const store::HeldNotification& h : held) {
    if (!h.notification) {
      broken.push_back(h.id);  // unreadable: it would block its group forever
      continue;
    }
    buffer.pending.push_back({*h.notification, h.produced_at});
  }
  std::vector<core::GroupedMessage> due = core::TakeDue(buffer, options, now);
  std::set<std::string> still_held;
  for (const core::PendingNotification& p : buffer.pending) {
    still_held.insert(core::GroupKey(p.notification));
  }
  std::vector<int64_t> released = std::move(broken);
  for (const store::HeldNotification& h : held) {
    if (!still_held.contains(h.group_key)) released.push_back(h.id);
  }
  outbox.ReleaseHeld(released);
  outcome.held = static_cast<int>(buffer.pending.size());
  return due;
}

// An incident alert's category and casualty counts, from its stored report (which is
// read without its protected text).
std::optional<core::IncidentFacts> IncidentFactsOf(store::Database& db,
                                                   const std::string& alert_id) {
  const auto alert = store::AlertRepository(db).Find(alert_id);
  if (!alert || alert->report_id.empty()) return std::nullopt;
  const auto stored = store::ReportRepository(db, core::Millis{0}).Find(alert->report_id);
  if (!stored || !stored->report.incident) return std::nullopt;
  return core::FactsOf(*stored->report.incident);
}

core::MessageFacts FactsFor(const core::GroupedMessage& m, store::Database& db,
                            store::LedgerRepository& ledger, const config::ScheduleBundle* bundle) {
  core::MessageFacts facts;
  if (m.alert_kind == core::AlertKind::kIncident && !m.alerts.empty()) {
    facts.incident = IncidentFactsOf(db, m.alerts.front().alert_id);
  }
  if (m.alert_kind != core::AlertKind::kIncident && !m.alerts.empty()) {
    if (auto row = ledger.Find(m.alerts.front().school_id, m.requirement_id, m.window_id)) {
      facts.deadline = row->deadline;
    }
  }
  if (bundle != nullptr)
    facts.report_label = core::ReportLabel(bundle->requirements, m.requirement_id);
  return facts;
}

}  // namespace

std::vector<std::string> PolicyPeriodKinds(const config::ScheduleBundle& bundle,
                                           const core::Alert& alert) {
  const std::string zone = bundle.schedule.TimeZoneOf(alert.school_id).value_or(bundle.time_zone);
  const date::time_zone* tz = core::FindTimeZone(zone);
  if (tz == nullptr) return {};
  return core::PolicyPeriodKinds(bundle.tree, bundle.calendars, *tz, alert);
}

EscalationRunOutcome RunEscalation(store::Database& db, const config::ScheduleBundle* bundle,
                                   const config::EscalationSetup& setup, core::Instant now) {
  EscalationRunOutcome outcome;
  store::WriteTransaction tx(db);
  store::AlertRepository alerts(db);
  store::OutboxRepository outbox(db);
  store::LedgerRepository ledger(db);
  std::vector<core::Alert> due = alerts.DueForEscalation(now, setup.settings.batch);
  outcome.more = static_cast<int>(due.size()) >= setup.settings.batch;
  // Grouped messages name schools in the order their notifications were made: by id.
  std::stable_sort(due.begin(), due.end(), [](const core::Alert& a, const core::Alert& b) {
    return a.school_id < b.school_id;
  });
  std::vector<core::Alert> unresolved, resolved;
  for (const core::Alert& a : due) {
    (a.state == core::AlertState::kResolved ? resolved : unresolved).push_back(a);
  }
  std::vector<core::Notification> notes;
  Advance(alerts, unresolved, bundle, setup, now, notes, outcome);
  NoticeResolutions(alerts, outbox, resolved, now, notes, outcome);
  outcome.notifications = static_cast<int>(notes.size());
  for (const core::GroupedMessage& m :
       Group(outbox, std::move(notes), setup.settings.grouping, now, outcome)) {
    if (outbox.Enqueue(core::NewOutboxRow(m, now, FactsFor(m, db, ledger, bundle)))) {
      ++outcome.queued;
    }
  }
  tx.Commit();
  return outcome;
}

EscalationRunner::EscalationRunner(boost::asio::io_context& io, store::StoreWriter& writer,
                                   const core::Clock& clock,
                                   const config::ScheduleSource& schedules,
                                   config::EscalationSource setup, OnRun on_run)
    : ticker_(
          io, writer, "escalation run", setup->settings.tick,
          [&clock, &schedules, setup](store::Database& db) {
            const config::SharedEscalation current = setup.Get();  // one setup for the whole run
            return RunEscalation(db, schedules.Get().get(), *current, clock.Now());
          },
          [on_run = std::move(on_run)](const EscalationRunOutcome& outcome) {
            if (on_run) on_run(outcome);
            return outcome.more;  // the batch limit was reached: go on at once
          }) {}

}  // namespace pingan::jobs

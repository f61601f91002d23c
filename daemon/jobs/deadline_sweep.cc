#include "daemon/jobs/deadline_sweep.h"

#include <spdlog/spdlog.h>

#include <unordered_set>

#include "daemon/store/write_transaction.h"

#include "daemon/core/alert.h"
#include "daemon/core/exemption.h"
#include "daemon/core/ledger.h"
#include "daemon/core/reminders.h"
#include "daemon/jobs/ids.h"
#include "daemon/store/alert_repository.h"
#include "daemon/store/exemption_repository.h"
#include "daemon/store/ledger_repository.h"
#include "daemon/store/outbox_repository.h"

namespace pingan::jobs {
namespace {

store::LedgerRow RowFor(const core::Unit& school, const core::Window& w,
                        store::LedgerRowStatus status) {
  store::LedgerRow row;
  row.school_id = school.id;
  row.requirement_id = w.requirement_id;
  row.window_id = w.window_id;
  row.status = status;
  row.deadline = w.deadline;
  return row;
}

// Which schools already have a ledger row for one window, for its reminders and its
// deadline alike: the writer's tally when it indexes this bundle (in memory; the window
// is loaded once, at its reminder or first report), else the window's rows read back.
class WindowRows {
 public:
  WindowRows(store::Database& db, const config::ScheduleBundle& bundle, const core::Window& w,
             LedgerTally* tally)
      : tree_(bundle.tree), window_(w) {
    if (tally != nullptr && tally->BoundTo(bundle)) {
      tally_ = &tally->Window(db, w.requirement_id, w.window_id);
    } else {
      known_ = store::LedgerRepository(db).SchoolsWithRow(w.requirement_id, w.window_id);
    }
  }

  bool operator()(std::string_view school_id) const {
    if (tally_ == nullptr) return known_.contains(std::string(school_id));
    const core::Unit* school = tree_.Find(school_id);
    return school != nullptr && tally_->Has(window_.requirement_id, window_.window_id, *school);
  }
  core::SweepDecision Decide(const core::DueWindow& due) const {
    return tally_ != nullptr ? core::DecideSweep(due, *tally_) : core::DecideSweep(due, *this);
  }

 private:
  const core::OrgTree& tree_;
  const core::Window& window_;
  const core::WindowTally* tally_ = nullptr;
  std::unordered_set<std::string> known_;
};

void DecideDeadline(store::Database& db, const config::ScheduleBundle& bundle,
                    const core::DueWindow& due, core::Instant now, LedgerTally* tally,
                    SweepOutcome& out) {
  store::LedgerRepository ledger(db);
  const std::string key = core::SweepKey(due.window);
  if (ledger.IsSwept(key, store::SweepKind::kDeadline)) return;
  const core::SweepDecision decision = WindowRows(db, bundle, due.window, tally).Decide(due);
  store::AlertRepository alerts(db);
  int missing = 0;
  for (const core::Unit* school : decision.missing) {
    // A row already there means the school reported after all (the tally lagged): no
    // alert. Counted, never silent.
    if (!ledger.RecordMissing(RowFor(*school, due.window, store::LedgerRowStatus::kMissing), now)) {
      ++out.recorded_already;
      continue;
    }
    ++missing;
    core::Alert alert = core::NewMissingAlert(NewId(now), school->id, due.window.requirement_id,
                                              due.window.window_id, now);
    if (alerts.Insert(alert)) out.new_alert_ids.push_back(alert.id);
  }
  for (const core::Unit* school : decision.excused) {
    if (ledger.RecordMissing(RowFor(*school, due.window, store::LedgerRowStatus::kExcused), now)) {
      ++out.excused;
    }
  }
  ledger.MarkSwept(
      {key, store::SweepKind::kDeadline, due.window.requirement_id, due.window.window_id,
       due.window.grace_end, static_cast<int>(due.schools.size()), missing},
      now);
  // Excused schools included: LooksLikeSilentIntake takes the excused off again.
  out.owed += static_cast<int>(due.schools.size() + due.paused.size());
  out.missing += missing;
  ++out.windows;
}

// Reminders (core::PlanReminders) go into the outbox like escalation messages do.
void QueueReminders(store::Database& db, const config::ScheduleBundle& bundle,
                    const core::DueWindow& due, const std::vector<core::ChannelKind>& channels,
                    const core::Rosters* rosters, core::Instant now, LedgerTally* tally,
                    SweepOutcome& out) {
  store::LedgerRepository ledger(db);
  const std::string key = core::SweepKey(due.window);
  if (ledger.IsSwept(key, store::SweepKind::kReminder)) return;
  const core::ReminderPlan plan =
      core::PlanReminders(due, WindowRows(db, bundle, due.window, tally), bundle.tree, channels,
                          core::ReportLabel(bundle.requirements, due.window.requirement_id), now,
                          {&bundle.requirements, rosters});
  store::OutboxRepository outbox(db);
  int queued = 0;
  for (const core::OutboxRow& row : plan.rows) {
    if (outbox.Enqueue(row)) ++queued;
  }
  ledger.MarkSwept(
      {key, store::SweepKind::kReminder, due.window.requirement_id, due.window.window_id,
       due.window.remind_at, static_cast<int>(due.schools.size()), queued},
      now);
  out.reminders += queued;
  out.schools_without_contact += plan.schools_without_contact;
}

}  // namespace

SweepOutcome SweepDeadlines(store::Database& db, const config::ScheduleBundle& bundle,
                            core::Instant now,
                            const std::vector<core::ChannelKind>& reminder_channels,
                            const core::Rosters* rosters, LedgerTally* tally) {
  SweepOutcome out;
  store::WriteTransaction tx(db);
  store::LedgerRepository ledger(db);
  const auto position = ledger.GetState(kSweepPositionKey);
  if (!position) {
    // A fresh installation owes nothing for deadlines before it existed.
    ledger.SetState(kSweepPositionKey, std::to_string(core::ToUnixMillis(now)));
    tx.Commit();
    out.from = out.to = now;
    out.first_run = true;
    return out;
  }
  out.from = core::FromUnixMillis(std::stoll(*position));
  out.to = std::max(out.from, now);  // a clock that went back never re-fires deadlines
  // Exempted schools (免报) are excused like paused ones: no reminder, no missing alert.
  const std::vector<core::Exemption> exemptions =
      store::ExemptionRepository(db).InForceReaching(out.from);
  for (core::DueWindow& due : bundle.schedule.RemindersBetween(out.from, out.to)) {
    QueueReminders(db, bundle, core::WithExemptions(std::move(due), exemptions, bundle.tree),
                   reminder_channels, rosters, now, tally, out);
  }
  std::vector<core::Window> decided;
  for (core::DueWindow& due : bundle.schedule.GraceEndsBetween(out.from, out.to)) {
    decided.push_back(due.window);
    DecideDeadline(db, bundle, core::WithExemptions(std::move(due), exemptions, bundle.tree), now,
                   tally, out);
  }
  ledger.SetState(kSweepPositionKey, std::to_string(core::ToUnixMillis(out.to)));
  tx.Commit();
  if (out.recorded_already > 0) {
    spdlog::warn("deadline sweep: {} schools thought missing had reported after all (no alert)",
                 out.recorded_already);
  }
  if (tally != nullptr) {
    for (const core::Window& w : decided) tally->Forget(w.requirement_id, w.window_id);
  }
  return out;
}

DeadlineSweeper::DeadlineSweeper(boost::asio::io_context& io, store::StoreWriter& writer,
                                 const core::Clock& clock, const config::ScheduleSource& schedules,
                                 core::Millis tick, config::EscalationSource escalation,
                                 OnSwept on_swept, LedgerTally* tally)
    : ticker_(
          io, writer, "deadline sweep", tick,
          [&clock, &schedules, escalation = std::move(escalation), tally](store::Database& db) {
            // No organisation configured: nothing is owed, nothing to sweep.
            config::SharedSchedule bundle = schedules.Get();
            // The setup in force now (a reload may have replaced it): its default
            // reminder channels and its rosters.
            const config::SharedEscalation setup = escalation.Get();
            const auto& channels =
                setup ? setup->settings.reminder_channels : core::kDefaultReminderChannels;
            const auto start = std::chrono::steady_clock::now();
            if (tally != nullptr) tally->Bind(bundle);
            SweepOutcome outcome = bundle ? SweepDeadlines(db, *bundle, clock.Now(), channels,
                                                           setup ? &setup->rosters : nullptr, tally)
                                          : SweepOutcome{};
            outcome.seconds =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            return outcome;
          },
          [on_swept = std::move(on_swept)](const SweepOutcome& outcome) {
            if (on_swept) on_swept(outcome);
            return false;
          }) {}

}  // namespace pingan::jobs

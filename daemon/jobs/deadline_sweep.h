// The deadline sweep: turns passed grace ends into ledger rows and missing-report
// alerts, and passed reminder times into outbox rows (core::PlanReminders, enqueued like
// escalation messages), in ONE transaction together with the sweep's new position. So a
// deadline that passed while the daemon was down fires at the next start, and exactly
// once (the swept_windows marks make a repeat a no-op).
//
// SweepDeadlines runs on the StoreWriter thread; DeadlineSweeper is its WriterTicker.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "daemon/config/escalation_config.h"
#include "daemon/config/schedule_bundle.h"
#include "daemon/core/clock.h"
#include "daemon/core/reminders.h"
#include "daemon/jobs/ledger_tally.h"
#include "daemon/jobs/writer_ticker.h"
#include "daemon/store/store_writer.h"

namespace pingan::jobs {

inline constexpr const char* kSweepPositionKey = "sweep.position_ms";

struct SweepOutcome {
  core::Instant from{};             // exclusive
  core::Instant to{};               // inclusive
  int windows = 0;                  // deadlines decided
  int owed = 0;                     // schools the deadlines concern, the excused included
  int missing = 0;                  // new missing alerts
  int excused = 0;                  // paused or exempted schools recorded as excused
  int reminders = 0;                // reminder notifications queued
  int schools_without_contact = 0;  // reminders that had nobody (reachable) to go to
  int recorded_already = 0;         // thought missing, but the ledger had their row: no alert
  bool first_run = false;           // the sweep position was only initialised
  double seconds = 0;               // how long it took (set by DeadlineSweeper: metrics)
  std::vector<std::string> new_alert_ids;
};

// `reminder_channels`: the default channels of reminders (escalation
// `channels.reminders`), each recipient getting those it has an address for; a
// requirement's `reminder:` route may name others, and recipients on duty (`rosters`;
// null: the unit's duty contacts stand in). `tally` (optional; bound to `bundle` by the
// caller, else unused) tells who has reported, for reminders and deadlines, from memory,
// and forgets decided windows.
SweepOutcome SweepDeadlines(
    store::Database& db, const config::ScheduleBundle& bundle, core::Instant now,
    const std::vector<core::ChannelKind>& reminder_channels = core::kDefaultReminderChannels,
    const core::Rosters* rosters = nullptr, LedgerTally* tally = nullptr);

// The sweep's timer: every tick (real time) one SweepDeadlines on the writer thread.
class DeadlineSweeper {
 public:
  using OnSwept = std::function<void(const SweepOutcome&)>;

  DeadlineSweeper(boost::asio::io_context& io, store::StoreWriter& writer, const core::Clock& clock,
                  const config::ScheduleSource& schedules, core::Millis tick,
                  config::EscalationSource escalation, OnSwept on_swept,
                  LedgerTally* tally = nullptr);
  void Start() { ticker_.Start(); }
  void Stop() { ticker_.Stop(); }
  // Sweeps now instead of at the next tick (e.g. after a drill clock jumped).
  void Kick() { ticker_.Kick(); }

 private:
  WriterTicker<SweepOutcome> ticker_;
};

}  // namespace pingan::jobs

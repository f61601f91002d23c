// The escalation runner: moves alerts along their escalation policies and puts the
// resulting notifications into the outbox, in ONE transaction per run, so a crash never
// leaves an alert advanced without its messages (or messages without the advance).
//
// Each run (RunEscalation, on the StoreWriter thread) takes every alert whose wake-up
// has come (store::EscalationWakeup: new alerts at creation, due steps, lapsed
// acknowledgements, owed "resolved" notices), runs core::OnTick with the current org
// tree, rosters and the calendar periods of the day each alert belongs to, saves the alerts, adds
// the "resolved" notices (core::ResolutionNotices) of alerts resolved since, groups all of it per
// recipient (core grouping; with a grouping window the notifications wait in the hold table) and
// enqueues one outbox row per grouped message.
//
// EscalationRunner is its WriterTicker: every tick one run unless one is still in
// flight; a run that hit its batch limit is followed by another at once. Start/Stop
// and the callback: io thread only.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "daemon/config/escalation_config.h"
#include "daemon/config/schedule_bundle.h"
#include "daemon/core/clock.h"
#include "daemon/jobs/writer_ticker.h"
#include "daemon/store/store_writer.h"

namespace pingan::jobs {

struct EscalationRunOutcome {
  int advanced = 0;                   // alerts whose escalation was run
  int notifications = 0;              // notifications decided (before grouping)
  int resolution_notices = 0;         // of them, "resolved" notices
  int held = 0;                       // waiting for the grouping window
  int queued = 0;                     // outbox rows enqueued (after grouping)
  std::vector<std::string> warnings;  // "alert <id>: <warning>", also on the timelines
  bool more = false;                  // the batch limit was reached
};

// `bundle` may be null (no organisation configured): person and group targets still
// work, unit-relative ones warn.
EscalationRunOutcome RunEscalation(store::Database& db, const config::ScheduleBundle* bundle,
                                   const config::EscalationSetup& setup, core::Instant now);

// Calendar period kinds and tags that choose the alert's policy: those of the day its
// report was owed for (missing, late) or of the school's local day it was raised
// (incident); core::PolicyPeriodKinds in the school's time zone.
std::vector<std::string> PolicyPeriodKinds(const config::ScheduleBundle& bundle,
                                           const core::Alert& alert);

class EscalationRunner {
 public:
  using OnRun = std::function<void(const EscalationRunOutcome&)>;

  EscalationRunner(boost::asio::io_context& io, store::StoreWriter& writer,
                   const core::Clock& clock, const config::ScheduleSource& schedules,
                   config::EscalationSource setup, OnRun on_run);
  void Start() { ticker_.Start(); }
  void Stop() { ticker_.Stop(); }
  // Runs at once (e.g. after a drill clock jump), unless a run is in flight.
  void Kick() { ticker_.Kick(); }

 private:
  WriterTicker<EscalationRunOutcome> ticker_;
};

}  // namespace pingan::jobs

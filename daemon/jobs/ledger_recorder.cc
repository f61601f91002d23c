#include "daemon/jobs/ledger_recorder.h"

#include "daemon/core/alert_rules.h"
#include "daemon/core/exemption.h"
#include "daemon/core/ledger.h"
#include "daemon/jobs/ids.h"
#include "daemon/store/alert_repository.h"
#include "daemon/store/exemption_repository.h"
#include "daemon/store/ledger_repository.h"

namespace pingan::jobs {
namespace {

store::LedgerRowStatus ToRowStatus(core::LedgerStatus status) {
  return status == core::LedgerStatus::kLate ? store::LedgerRowStatus::kLate
                                             : store::LedgerRowStatus::kOnTime;
}

}  // namespace

void LedgerRecorder::OnStored(store::Database& db, const store::IncomingReport& incoming) {
  if (config::SharedSchedule bundle = schedules_.Get()) {
    if (tally_ != nullptr) tally_->Bind(bundle);
    RecordWindow(db, *bundle, incoming);
  }
  if (core::ReportOpensAlert(incoming.report)) OpenIncidentAlert(db, incoming);
}

void LedgerRecorder::OnBatchEnded(store::Database& db, bool committed) {
  if (tally_ != nullptr) tally_->BatchEnded(db, committed);
}

void LedgerRecorder::RecordWindow(store::Database& db, const config::ScheduleBundle& bundle,
                                  const store::IncomingReport& incoming) {
  const core::Report& r = incoming.report;
  store::LedgerRepository ledger(db);
  auto received = [&](const core::Window& w) {
    auto row = ledger.Find(r.school_id, w.requirement_id, w.window_id);
    return row && (row->status == store::LedgerRowStatus::kOnTime ||
                   row->status == store::LedgerRowStatus::kLate);
  };
  // Nothing owed for that date (no window): stored, but no ledger entry.
  for (const core::Window& window :
       core::AttributeReport(bundle.schedule.WindowsFor(r.school_id, r.kind, r.covers),
                             incoming.received_at, received)) {
    const core::LedgerEntry entry =
        core::Classify(window, incoming.received_at, /*paused=*/false, incoming.received_at);
    store::LedgerRow row{
        r.school_id,     window.requirement_id, window.window_id,     ToRowStatus(entry.status),
        window.deadline, r.report_id,           incoming.received_at, entry.lateness};
    const auto before = ledger.RecordReceived(row, incoming.received_at);
    if (!before && tally_ != nullptr) {
      tally_->Noted(window.requirement_id, window.window_id, core::SweepKey(window), r.school_id);
    }
    if (before == store::LedgerRowStatus::kExcused) continue;  // it owed nothing
    std::string resolved;
    if (before == store::LedgerRowStatus::kMissing) {
      // The sweep had already declared the school missing: the late report resolves it.
      resolved = store::ResolveMissingAlert(db, r.school_id, window.requirement_id,
                                            window.window_id, incoming.received_at,
                                            [&](const core::Alert& a, core::Instant now) {
                                              return core::ResolveByLateReport(a, r.report_id, now);
                                            });
    }
    if (entry.status == core::LedgerStatus::kLate && window.raise_late_alert) {
      RaiseLateAlert(db, bundle.tree, window, incoming, entry.lateness, resolved);
    }
  }
}

void LedgerRecorder::RaiseLateAlert(store::Database& db, const core::OrgTree& tree,
                                    const core::Window& window,
                                    const store::IncomingReport& incoming, core::Millis lateness,
                                    const std::string& resolved_missing) {
  const core::Report& r = incoming.report;
  // Excused by an exemption the sweep has not applied yet (the report came between
  // grace end and the sweep): the school owed nothing, so it was not late either.
  const auto exemptions = store::ExemptionRepository(db).InForceFrom(window.covers_first);
  if (core::ExcusedBy(exemptions, tree, r.school_id, window) != nullptr) return;
  core::Alert alert =
      core::NewLateAlert(NewId(incoming.received_at), r.school_id, window.requirement_id,
                         window.window_id, incoming.received_at);
  alert.report_id = r.report_id;
  // The record of the lateness; the missing alert it follows, if any, is named so that
  // the duty room sees one story.
  alert.timeline.back().comment =
      "report " + r.report_id + ", " + std::to_string((lateness.count() + 59'999) / 60'000) +
      " min after the deadline" +
      (resolved_missing.empty() ? "" : "; resolves missing alert " + resolved_missing);
  store::AlertRepository(db).Insert(alert);
}

void LedgerRecorder::OpenIncidentAlert(store::Database& db, const store::IncomingReport& incoming) {
  auto alert =
      core::NewIncidentAlert(NewId(incoming.received_at), incoming.report, incoming.received_at);
  if (auto* a = std::get_if<core::Alert>(&alert)) store::AlertRepository(db).Insert(*a);
}

}  // namespace pingan::jobs

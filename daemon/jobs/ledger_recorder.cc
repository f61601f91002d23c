#include "daemon/jobs/ledger_recorder.h"

#include <spdlog/spdlog.h>

#include "daemon/core/alert_rules.h"
#include "daemon/core/ledger.h"
#include "daemon/jobs/ids.h"
#include "daemon/store/alert_repository.h"
#include "daemon/store/ledger_repository.h"
#include "daemon/store/outbox_repository.h"

namespace pingan::jobs {
namespace {

store::LedgerRowStatus ToRowStatus(core::LedgerStatus status) {
  return status == core::LedgerStatus::kLate ? store::LedgerRowStatus::kLate
                                             : store::LedgerRowStatus::kOnTime;
}

}  // namespace

void LedgerRecorder::OnStored(store::Database& db, const store::IncomingReport& incoming) {
  if (config::SharedSchedule bundle = schedules_.Get()) RecordWindow(db, *bundle, incoming);
  if (core::ReportOpensAlert(incoming.report)) OpenIncidentAlert(db, incoming);
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
    if (ledger.RecordReceived(row, incoming.received_at) == store::LedgerRowStatus::kMissing) {
      ResolveMissingAlert(db, window, incoming);
    }
  }
}

void LedgerRecorder::ResolveMissingAlert(store::Database& db, const core::Window& window,
                                         const store::IncomingReport& incoming) {
  // The sweep had already declared the school missing: the late report resolves it.
  store::AlertRepository alerts(db);
  const core::Report& r = incoming.report;
  auto alert = alerts.FindMissing(r.school_id, window.requirement_id, window.window_id);
  if (!alert || alert->state == core::AlertState::kResolved) return;
  auto resolved = core::ResolveByLateReport(*alert, r.report_id, incoming.received_at);
  if (auto* err = std::get_if<core::AlertError>(&resolved)) {
    spdlog::error("alert {}: {}", err->alert_id, err->message);
    return;
  }
  alerts.Save(std::get<core::Alert>(resolved));
  store::OutboxRepository(db).WithdrawFor(alert->id);  // nobody is asked about it any more
}

void LedgerRecorder::OpenIncidentAlert(store::Database& db, const store::IncomingReport& incoming) {
  auto alert =
      core::NewIncidentAlert(NewId(incoming.received_at), incoming.report, incoming.received_at);
  if (auto* a = std::get_if<core::Alert>(&alert)) store::AlertRepository(db).Insert(*a);
}

}  // namespace pingan::jobs

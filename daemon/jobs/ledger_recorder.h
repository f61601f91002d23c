// LedgerRecorder: when a report is stored, records in the same transaction which
// reporting window it satisfied (on time or late, with the lateness), resolves the
// window's missing alert if the report came after the sweep, raises a late alert when
// the window's requirement asks for one (raise_late_alert; not for an excused window),
// and opens an incident alert for an incident report. Runs on the StoreWriter thread (a
// ReportObserver).
#pragma once

#include "daemon/config/schedule_bundle.h"
#include "daemon/jobs/ledger_tally.h"
#include "daemon/store/store_writer.h"

namespace pingan::jobs {

class LedgerRecorder final : public store::ReportObserver {
 public:
  // `tally` (optional, shared with the deadline sweep on the writer thread) learns the
  // rows of each batch once it committed.
  explicit LedgerRecorder(const config::ScheduleSource& schedules, LedgerTally* tally = nullptr)
      : schedules_(schedules), tally_(tally) {}
  void OnStored(store::Database& db, const store::IncomingReport& incoming) override;
  void OnBatchEnded(store::Database& db, bool committed) override;

 private:
  void RecordWindow(store::Database& db, const config::ScheduleBundle& bundle,
                    const store::IncomingReport& incoming);
  // One late alert per school and window, naming the lateness and the missing alert
  // the report resolved (`resolved_missing`, may be "").
  void RaiseLateAlert(store::Database& db, const core::OrgTree& tree, const core::Window& window,
                      const store::IncomingReport& incoming, core::Millis lateness,
                      const std::string& resolved_missing);
  void OpenIncidentAlert(store::Database& db, const store::IncomingReport& incoming);

  const config::ScheduleSource& schedules_;
  LedgerTally* tally_;
};

}  // namespace pingan::jobs

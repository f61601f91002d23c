// LedgerRecorder: when a report is stored, records in the same transaction which
// reporting window it satisfied (on time or late, with the lateness), resolves the
// window's missing alert if the report came after the sweep, and opens an incident
// alert for an incident report. Runs on the StoreWriter thread (a ReportObserver).
#pragma once

#include "daemon/config/schedule_bundle.h"
#include "daemon/store/store_writer.h"

namespace pingan::jobs {

class LedgerRecorder final : public store::ReportObserver {
 public:
  explicit LedgerRecorder(const config::ScheduleSource& schedules) : schedules_(schedules) {}
  void OnStored(store::Database& db, const store::IncomingReport& incoming) override;

 private:
  void RecordWindow(store::Database& db, const config::ScheduleBundle& bundle,
                    const store::IncomingReport& incoming);
  void ResolveMissingAlert(store::Database& db, const core::Window& window,
                           const store::IncomingReport& incoming);
  void OpenIncidentAlert(store::Database& db, const store::IncomingReport& incoming);

  const config::ScheduleSource& schedules_;
};

}  // namespace pingan::jobs

// LedgerTally: the writer thread's core::WindowTally for the organisation in force,
// shared by the LedgerRecorder, which notes the ledger rows of the report batch being
// written and applies them once the batch committed, and the deadline sweep, which finds
// a deadline's missing schools in it and forgets the window once decided.
//
// A window is loaded from the ledger when a committed batch first brings a row for it
// (few rows then; after a restart, once per open window) or, failing that, by the
// sweep at its reminder or deadline. A window already decided is not loaded again for a
// late report.
//
// Holds the schedule bundle whose tree the bits index, so that tree cannot be freed (and
// its address taken by a reloaded one) while bits refer to it.
//
// Threading: the StoreWriter thread only.
#pragma once

#include <string>
#include <vector>

#include "daemon/config/schedule_bundle.h"
#include "daemon/core/window_tally.h"
#include "daemon/store/database.h"

namespace pingan::jobs {

class LedgerTally {
 public:
  // Indexes `bundle`'s tree from now on; another bundle than before starts empty.
  void Bind(const config::SharedSchedule& bundle);
  bool BoundTo(const config::ScheduleBundle& bundle) const { return bundle_.get() == &bundle; }

  // The sweep (reminders, deadlines): the window as the ledger has it (loaded first when
  // unknown).
  const core::WindowTally& Window(store::Database& db, const std::string& requirement_id,
                                  const std::string& window_id);
  void Forget(const std::string& requirement_id, const std::string& window_id);

  // The recorder: a row written in the batch under way, and the batch's end.
  void Noted(std::string requirement_id, std::string window_id, std::string sweep_key,
             std::string school_id);
  void BatchEnded(store::Database& db, bool committed);

  const core::WindowTally& windows() const { return tally_; }

 private:
  struct Row {
    std::string requirement_id, window_id, sweep_key, school_id;
  };
  void Load(store::Database& db, const std::string& requirement_id, const std::string& window_id);

  config::SharedSchedule bundle_;
  core::WindowTally tally_;
  std::vector<Row> pending_;
};

}  // namespace pingan::jobs

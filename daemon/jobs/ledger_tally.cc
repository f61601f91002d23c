#include "daemon/jobs/ledger_tally.h"

#include "daemon/store/ledger_repository.h"

namespace pingan::jobs {

void LedgerTally::Bind(const config::SharedSchedule& bundle) {
  if (bundle == bundle_) return;
  bundle_ = bundle;
  tally_.Rebind(bundle ? &bundle->tree : nullptr);
}

void LedgerTally::Load(store::Database& db, const std::string& requirement_id,
                       const std::string& window_id) {
  tally_.Load(requirement_id, window_id,
              store::LedgerRepository(db).SchoolsWithRow(requirement_id, window_id));
}

const core::WindowTally& LedgerTally::Window(store::Database& db, const std::string& requirement_id,
                                             const std::string& window_id) {
  if (!tally_.Knows(requirement_id, window_id)) Load(db, requirement_id, window_id);
  return tally_;
}

void LedgerTally::Forget(const std::string& requirement_id, const std::string& window_id) {
  tally_.Forget(requirement_id, window_id);
}

void LedgerTally::Noted(std::string requirement_id, std::string window_id, std::string sweep_key,
                        std::string school_id) {
  pending_.push_back({std::move(requirement_id), std::move(window_id), std::move(sweep_key),
                      std::move(school_id)});
}

void LedgerTally::BatchEnded(store::Database& db, bool committed) {
  std::vector<Row> rows;
  rows.swap(pending_);
  if (!committed || bundle_ == nullptr) return;  // rolled back: the rows are not there
  store::LedgerRepository ledger(db);
  for (const Row& row : rows) {
    if (tally_.Knows(row.requirement_id, row.window_id)) {
      tally_.Add(row.requirement_id, row.window_id, row.school_id);
    } else if (!ledger.IsSwept(row.sweep_key, store::SweepKind::kDeadline)) {
      Load(db, row.requirement_id, row.window_id);  // reads this batch's rows too
    }
  }
}

}  // namespace pingan::jobs

// Exemption changes on the writer thread: storing a new exemption (免报) or withdrawing
// one, each with its audit entry, in one transaction.
//
// What a new exemption does to the past: the windows it covers that the sweep already
// decided as missing become excused, and their missing alerts still unresolved are
// resolved ("excused", naming the exemption; those already told get the "resolved"
// notice, queued messages are withdrawn), because a bureau usually declares a closure
// after the morning's deadline. A report already received stays as recorded. A
// withdrawal rewrites nothing: the windows decided while the exemption was in force
// stay excused; windows not decided yet are owed again (core/exemption.h).
//
// Threading: the functions run on the StoreWriter thread (they write); the bundle is
// the immutable schedule in force.
#pragma once

#include <string>
#include <vector>

#include "daemon/config/schedule_bundle.h"
#include "daemon/core/exemption.h"
#include "daemon/store/database.h"

namespace pingan::jobs {

struct ExemptionApplied {
  bool stored = false;   // false: an exemption with that id exists already
  int excused_rows = 0;  // missing ledger rows turned excused
  std::vector<std::string> resolved_alert_ids;
};

// Stores `e` (made by e.created_by at e.created_at), audits "exemption.create" and
// excuses what it covers that was already decided missing.
ExemptionApplied CreateExemption(store::Database& db, const config::ScheduleBundle& bundle,
                                 const core::Exemption& e);

// Withdraws exemption `id`, audited as "exemption.withdraw"; false when there is no such
// exemption or it was already withdrawn (nothing is written then).
bool WithdrawExemption(store::Database& db, const std::string& id, const std::string& who,
                       core::Instant now);

}  // namespace pingan::jobs

#include "daemon/store/waiting_counts.h"

#include <string>

#include <SQLiteCpp/Statement.h>

namespace pingan::store {

WaitingCounts CountWaiting(Database& db) {
  WaitingCounts out;
  SQLite::Statement alerts(db.sql(), "SELECT count(*) FROM alerts WHERE state = ?1 AND kind = ?2");
  for (auto kind :
       {core::AlertKind::kMissing, core::AlertKind::kLate, core::AlertKind::kIncident}) {
    for (auto state : {core::AlertState::kOpen, core::AlertState::kAcknowledged}) {
      alerts.reset();
      alerts.bind(1, std::string(core::AlertStateName(state)));
      alerts.bind(2, std::string(core::AlertKindName(kind)));
      alerts.executeStep();
      out.alerts.push_back({kind, state, alerts.getColumn(0).getInt64()});
    }
  }
  SQLite::Statement outbox(db.sql(), "SELECT count(*) FROM outbox WHERE state = ?1");
  for (auto state : {core::OutboxStatus::kPending, core::OutboxStatus::kLeased}) {
    outbox.reset();
    outbox.bind(1, std::string(core::OutboxStatusName(state)));
    outbox.executeStep();
    out.outbox.push_back({state, outbox.getColumn(0).getInt64()});
  }
  return out;
}

}  // namespace pingan::store

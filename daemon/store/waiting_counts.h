// WaitingCounts: what is still waiting in the store, counted at once — alerts not yet
// resolved by kind and state, notifications not yet sent by state. /metrics reads it at
// scrape time (metrics_snapshot.h). Every combination is listed, zeros included, so that
// an alert rule on a series never misses it.
//
// Threading: CountWaiting runs on the thread that holds `db` (a read-pool worker with
// a leased read-only connection); never on the io thread.
#pragma once

#include <cstdint>
#include <vector>

#include "daemon/core/alert.h"
#include "daemon/core/outbox_row.h"
#include "daemon/store/database.h"

namespace pingan::store {

struct WaitingCounts {
  struct Alerts {
    core::AlertKind kind;
    core::AlertState state;  // open or acknowledged
    int64_t count = 0;
  };
  struct Outbox {
    core::OutboxStatus state;  // pending or leased
    int64_t count = 0;
  };
  std::vector<Alerts> alerts;
  std::vector<Outbox> outbox;
};

WaitingCounts CountWaiting(Database& db);

}  // namespace pingan::store

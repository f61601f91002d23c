// Activity queries: which alerts and incident reports concern a span of time, for the
// duty console's shift hand-over and board. They return ids only; the rows themselves
// are read through AlertRepository and ReportRepository, so the row formats stay in one
// place. Read-only; one connection, one thread at a time.
#pragma once

#include <string>
#include <vector>

#include <SQLiteCpp/Database.h>

#include "daemon/core/clock.h"

namespace pingan::store {

// Alerts with anything to say about [since, now]: those not resolved and those resolved
// at or after `since` (which covers every alert raised or acknowledged since). Oldest
// first.
std::vector<std::string> AlertIdsActiveSince(SQLite::Database& db, core::Instant since);

// Incident report ids whose incident alert was raised in [from, to), oldest first. Every
// stored incident report raises one alert at its arrival (LedgerRecorder), so this is
// the incident reports received in [from, to), found through the alerts' time index.
std::vector<std::string> IncidentReportIdsReceived(SQLite::Database& db, core::Instant from,
                                                   core::Instant to);

}  // namespace pingan::store

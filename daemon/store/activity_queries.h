// Activity queries: which alerts and incident reports concern a span of time, for the
// duty console's shift hand-over and board. The queries find ids through the alerts'
// indexes; the rows themselves are read through AlertRepository and ReportRepository,
// so the row formats stay in one place. Read-only; one connection, one thread at a time.
#pragma once

#include <string>
#include <vector>

#include "daemon/core/clock.h"
#include "daemon/store/database.h"
#include "daemon/store/report_repository.h"

namespace pingan::store {

// Alerts with anything to say about [since, now]: those not resolved and those resolved
// at or after `since` (which covers every alert raised or acknowledged since). Oldest
// first.
std::vector<std::string> AlertIdsActiveSince(Database& db, core::Instant since);

// Incident report ids whose incident alert was raised in [from, to), oldest first. Every
// stored incident report raises one alert at its arrival (LedgerRecorder), so this is
// the incident reports received in [from, to), found through the alerts' time index.
std::vector<std::string> IncidentReportIdsReceived(Database& db, core::Instant from,
                                                   core::Instant to);

// The incident reports received in [from, to), oldest first, without their protected
// text (the connection need not have the text key).
std::vector<StoredReport> IncidentReportsReceived(Database& db, core::Instant from,
                                                  core::Instant to);

}  // namespace pingan::store

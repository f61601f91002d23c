// Period queries: the alerts raised in a span of time, with what the period statistics
// need of each (kind, school, when raised, acknowledged and resolved) and, for incident
// alerts, the report's category and severity and the closing of the incident's case.
// One query over the alerts' time index; no free text is read. Read-only; one
// connection, one thread at a time.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "daemon/core/alert.h"
#include "daemon/core/clock.h"
#include "daemon/core/report.h"
#include "daemon/store/database.h"

namespace pingan::store {

struct RaisedAlert {
  core::AlertKind kind = core::AlertKind::kMissing;
  std::string school_id;
  core::Instant created_at{};
  std::optional<core::Instant> acknowledged_at;  // the latest acknowledgement
  std::optional<core::Instant> resolved_at;
  std::optional<core::IncidentCategory> category;  // incidents
  std::optional<core::Severity> severity;          // incidents
  std::optional<core::Instant> case_closed_at;     // incidents whose case was closed
};

// Alerts raised in [from, to), oldest first.
std::vector<RaisedAlert> AlertsRaisedBetween(Database& db, core::Instant from, core::Instant to);

}  // namespace pingan::store

#include "daemon/store/activity_queries.h"

#include <SQLiteCpp/Statement.h>

namespace pingan::store {

std::vector<std::string> AlertIdsActiveSince(Database& db, core::Instant since) {
  // Anything that happened to an alert since `since` (raised, acknowledged, resolved)
  // left it either unresolved or resolved since then: these two conditions suffice.
  // Written so that each side of the OR has an index (alerts_by_state, alerts_by_resolved)
  // and SQLite reads only those rows, then sorts them: "+" keeps it from walking
  // alerts_by_time over every alert ever raised just to skip the sort.
  SQLite::Statement s(db.sql(), R"sql(
SELECT alert_id FROM alerts
WHERE state IN ('open', 'acknowledged') OR resolved_at_ms >= ?1
ORDER BY +created_at_ms, alert_id)sql");
  s.bind(1, static_cast<int64_t>(core::ToUnixMillis(since)));
  std::vector<std::string> out;
  while (s.executeStep()) out.push_back(s.getColumn(0).getString());
  return out;
}

std::vector<std::string> IncidentReportIdsReceived(Database& db, core::Instant from,
                                                   core::Instant to) {
  // Naming every state lets SQLite use alerts_by_state (state, created_at_ms).
  SQLite::Statement s(db.sql(), R"sql(
SELECT report_id FROM alerts
WHERE state IN ('open', 'acknowledged', 'resolved') AND created_at_ms >= ?1
  AND created_at_ms < ?2 AND kind = 'incident' AND report_id <> ''
ORDER BY created_at_ms, alert_id)sql");
  s.bind(1, static_cast<int64_t>(core::ToUnixMillis(from)));
  s.bind(2, static_cast<int64_t>(core::ToUnixMillis(to)));
  std::vector<std::string> out;
  while (s.executeStep()) out.push_back(s.getColumn(0).getString());
  return out;
}

std::vector<StoredReport> IncidentReportsReceived(Database& db, core::Instant from,
                                                  core::Instant to) {
  // Reading needs no retention setting (it only matters for inserts).
  ReportRepository reports(db, core::Millis{0});
  std::vector<StoredReport> out;
  for (const std::string& id : IncidentReportIdsReceived(db, from, to)) {
    auto r = reports.Find(id);
    if (r && r->report.incident) out.push_back(std::move(*r));
  }
  return out;
}

}  // namespace pingan::store

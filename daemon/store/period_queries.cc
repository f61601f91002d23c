#include "daemon/store/period_queries.h"
#include "daemon/store/sql_values.h"

#include <SQLiteCpp/Statement.h>

namespace pingan::store {
namespace {}  // namespace

std::vector<RaisedAlert> AlertsRaisedBetween(Database& db, core::Instant from, core::Instant to) {
  // alerts_by_time gives the range; the joins are by primary key, for incidents only.
  SQLite::Statement s(db.sql(), R"sql(
SELECT a.kind, a.school_id, a.created_at_ms, a.acknowledged_at_ms, a.resolved_at_ms,
       r.category, COALESCE(r.severity, a.severity), c.closed_at_ms
FROM alerts a
LEFT JOIN reports r ON a.kind = 'incident' AND r.report_id = a.report_id
LEFT JOIN incident_cases c ON a.kind = 'incident' AND c.report_id = a.report_id
WHERE a.created_at_ms >= ?1 AND a.created_at_ms < ?2
ORDER BY a.created_at_ms, a.alert_id)sql");
  s.bind(1, static_cast<int64_t>(core::ToUnixMillis(from)));
  s.bind(2, static_cast<int64_t>(core::ToUnixMillis(to)));
  std::vector<RaisedAlert> out;
  while (s.executeStep()) {
    RaisedAlert a;
    a.kind = core::ParseAlertKind(s.getColumn(0).getString()).value_or(core::AlertKind::kMissing);
    a.school_id = s.getColumn(1).getString();
    a.created_at = core::FromUnixMillis(s.getColumn(2).getInt64());
    a.acknowledged_at = ColumnOptionalInstant(s.getColumn(3));
    a.resolved_at = ColumnOptionalInstant(s.getColumn(4));
    if (!s.getColumn(5).isNull())
      a.category = core::ParseIncidentCategory(s.getColumn(5).getString());
    if (!s.getColumn(6).isNull()) {
      const int severity = s.getColumn(6).getInt();
      if (severity >= 1 && severity <= 4) a.severity = static_cast<core::Severity>(severity);
    }
    a.case_closed_at = ColumnOptionalInstant(s.getColumn(7));
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace pingan::store

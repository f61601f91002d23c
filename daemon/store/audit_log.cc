#include "daemon/store/audit_log.h"

#include <SQLiteCpp/Statement.h>

namespace pingan::store {

void AppendAudit(Database& db, const AuditEntry& entry) {
  SQLite::Statement s(db.sql(),
                      "INSERT INTO audit_log (at_ms, actor, action, object, detail) "
                      "VALUES (?1, ?2, ?3, ?4, ?5)");
  s.bind(1, static_cast<int64_t>(core::ToUnixMillis(entry.at)));
  s.bind(2, entry.actor);
  s.bind(3, entry.action);
  s.bind(4, entry.object);
  s.bind(5, entry.detail);
  s.exec();
}

std::vector<AuditEntry> RecentAudit(Database& db, int limit) {
  SQLite::Statement s(db.sql(),
                      "SELECT at_ms, actor, action, object, detail FROM audit_log "
                      "ORDER BY id DESC LIMIT ?1");
  s.bind(1, limit);
  std::vector<AuditEntry> out;
  while (s.executeStep()) {
    out.push_back(AuditEntry{core::FromUnixMillis(s.getColumn(0).getInt64()),
                             s.getColumn(1).getString(), s.getColumn(2).getString(),
                             s.getColumn(3).getString(), s.getColumn(4).getString()});
  }
  return out;
}

}  // namespace pingan::store

// AuditLog: append-only record of who did what (logins, acknowledgements, config
// changes, reads of protected text, refused reports). One connection, one thread.
#pragma once

#include <string>
#include <vector>

#include "daemon/core/clock.h"
#include "daemon/store/database.h"

namespace pingan::store {

struct AuditEntry {
  core::Instant at{};
  std::string actor;   // "school:<id>", "user:<name>", "system"
  std::string action;  // e.g. "report.rejected.school_mismatch"
  std::string object;  // what it concerns, e.g. a report id
  std::string detail;  // never protected free text
};

void AppendAudit(Database& db, const AuditEntry& entry);
// Newest first.
std::vector<AuditEntry> RecentAudit(Database& db, int limit);

}  // namespace pingan::store

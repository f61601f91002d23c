// ReportRepository: reports as rows. Thin SQL over one connection.
//
// Insert is meant to run inside a transaction the caller owns (the StoreWriter's
// group commit), so that many reports cost one fsync. Prepared statements are cached:
// use one repository per connection, from one thread at a time.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <SQLiteCpp/Statement.h>

#include "daemon/core/report.h"
#include "daemon/store/database.h"

namespace pingan::store {

struct IncomingReport {
  core::Report report;
  core::Instant received_at{};
};

// kDuplicate: this school's report with this id is stored already (a resend);
// kIdTaken: the id is another school's report, and this one is not stored.
enum class InsertStatus { kStored, kDuplicate, kIdTaken };

// A stored report without its protected text (see ReadIncidentText).
struct StoredReport {
  core::Report report;  // incident->summary is left empty
  core::Instant received_at{};
};

class ReportRepository {
 public:
  // `text_retention`: how long incident free text is kept before it is purged.
  ReportRepository(Database& db, core::Millis text_retention);

  InsertStatus Insert(const IncomingReport& incoming);
  std::optional<StoredReport> Find(const std::string& report_id);
  int64_t Count();
  // Reports of one school covering dates in [first, last], oldest first.
  std::vector<StoredReport> ForSchool(const std::string& school_id, date::year_month_day first,
                                      date::year_month_day last);
  // Protected: callers must check scope and write an audit entry.
  std::optional<std::string> ReadIncidentText(const std::string& report_id);
  // Deletes incident text whose retention ended at or before `now`; returns rows purged.
  int PurgeExpiredText(core::Instant now);

 private:
  // Whether the stored report `report_id` is `school_id`'s (a resend) or another's.
  bool ExistingIsOwnedBy(const std::string& report_id, const std::string& school_id);

  SQLite::Database& db_;
  core::Millis text_retention_;
  SQLite::Statement insert_;
  SQLite::Statement insert_text_;
};

}  // namespace pingan::store

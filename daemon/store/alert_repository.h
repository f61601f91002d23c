// AlertRepository: alerts as rows, their timelines as child rows. The escalation
// position and the list of people notified are stored as JSON columns: they are read
// and written whole, never queried inside. One connection, one thread at a time;
// writes run inside the caller's transaction.
//
// Every alert row carries its escalation wake-up (EscalationWakeup below) in an indexed
// column, so the escalation runner finds all the work due with one range query: new
// alerts, steps, lapsed acknowledgements and owed "resolved" notices alike.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "daemon/core/alert.h"
#include "daemon/store/audit_log.h"
#include "daemon/store/database.h"

namespace pingan::store {

// When the escalation runner must next look at `alert`: core::NextWakeup for an
// unresolved alert (a new one is due at creation); for a resolved one, its resolution
// time while ResolutionNoticesOwed; otherwise nullopt.
std::optional<core::Instant> EscalationWakeup(const core::Alert& alert);
// True when the alert is resolved, people were notified about it, and no "notified"
// timeline entry follows the last "resolved" one (the runner writes that entry in the
// transaction that queues the "resolved" notices).
bool ResolutionNoticesOwed(const core::Alert& alert);

// Which alerts List answers, newest first. The services and the HTTP API query with this
// very type (services::AlertQuery; ParseAlertQuery validates it from text).
struct AlertFilter {
  std::optional<core::AlertState> state;
  std::optional<core::AlertKind> kind;
  std::string school_id;       // empty: all
  std::string requirement_id;  // empty: all
  std::string window_id;       // empty: all
  int limit = 100;
  // Lists that show summaries skip the timelines (one query per alert). An alert read
  // without its timeline must not be Saved.
  bool with_timeline = true;
};

class AlertRepository {
 public:
  explicit AlertRepository(Database& db) : store_(db), db_(db.sql()) {}

  // Inserts a new alert. Returns false (and writes nothing) when a missing alert for
  // the same school and window already exists.
  bool Insert(const core::Alert& alert);
  // Writes the alert's current state and appends timeline entries not yet stored.
  void Save(const core::Alert& alert);
  std::optional<core::Alert> Find(const std::string& alert_id);
  // The alerts of `alert_ids` that exist, in the order given, WITHOUT their timelines:
  // one prepared statement for all of them (the live-update events of a sweep's many
  // new alerts need only the rows).
  std::vector<core::Alert> FindMany(const std::vector<std::string>& alert_ids);
  std::optional<core::Alert> FindMissing(const std::string& school_id,
                                         const std::string& requirement_id,
                                         const std::string& window_id);
  // Newest first.
  std::vector<core::Alert> List(const AlertFilter& filter);
  // Alerts whose EscalationWakeup is at or before `until`, earliest first.
  std::vector<core::Alert> DueForEscalation(core::Instant until, int limit);
  int64_t CountByState(core::AlertState state);

 private:
  void AppendTimeline(const core::Alert& alert, size_t from);
  std::vector<core::Alert> Query(const std::string& where, const std::vector<std::string>& args,
                                 int limit, bool with_timeline = true);

  Database& store_;  // for its kept statements (the inserts run per school)
  SQLite::Database& db_;
};

// Writer thread: in one transaction, applies `transition` to the alert as it is now,
// saves the result and appends `audit` (its time set to `now`). Returns the refusal's
// message when the transition refused (nothing written), nullopt when applied or when the
// alert no longer exists.
using AlertTransition = std::function<core::AlertResult(const core::Alert&, core::Instant)>;
std::optional<std::string> ApplyAlertChange(Database& db, const std::string& alert_id,
                                            core::Instant now, const AlertTransition& transition,
                                            AuditEntry audit);

// Inside the caller's transaction (a report batch, an exemption): resolves the
// unresolved missing alert of the school's window with `transition` (a late report, an
// exemption), saves it and withdraws its queued messages. Its id, or "" when there was
// none to resolve or the transition refused (an error, logged).
std::string ResolveMissingAlert(Database& db, const std::string& school_id,
                                const std::string& requirement_id, const std::string& window_id,
                                core::Instant now, const AlertTransition& transition);

}  // namespace pingan::store

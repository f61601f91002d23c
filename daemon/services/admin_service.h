// AdminService: the typed administration operations that pinganctl's control commands
// (admin_commands.cc) and the HTTP API's admin routes (api/admin_routes.cc) are two thin
// adapters over; the JSON of its results is in admin_json.h.
//
//   Users        the console users as stored (a change made a moment ago shows once the
//                writer ran it: milliseconds); users and tokens are changed through
//                console::AuthService, their authority while the daemon runs
//   Keys         the enrolled school keys, with the school's name when it is in the org
//   EnrolKey     enrols (or replaces) a school's CURVE public key
//   RevokeKey    moves a school's key aside: the school can no longer connect
//   ImportSchools  adds and updates schools from CSV (all or nothing; dry run possible)
//   ExportLedger   a period's ledger as CSV (ledger_export.h)
//
// Every request names its `actor` for the audit log ("" = "control": pinganctl on the
// local socket; the HTTP routes pass the signed-in user or token). Key changes and
// imports take effect at once: the ZAP handler is reloaded (on_keys_changed) and the new
// schedule is swapped into the ScheduleSource. A connection already open with a revoked
// or replaced key stays open, but every report on it is refused (KEY_REVOKED) from the
// reload on. Errors are thrown as ControlError (bad_request, not_found, refused,
// no_schedule, too_large, internal).
//
// Threading: the methods are const and run on a read-pool worker, several at once;
// reads lease a connection of the shared read-only pool, audit entries are posted to
// the StoreWriter. Key files and the imported-schools file are written on the caller's
// thread (pinganctl and an admin: rare, one at a time in practice).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <date/date.h>

#include "daemon/config/schedule_bundle.h"
#include "daemon/config/school_import.h"
#include "daemon/config/school_keys.h"
#include "daemon/core/clock.h"
#include "daemon/services/backup_command.h"
#include "daemon/services/ledger_export.h"
#include "daemon/store/auth_repository.h"
#include "daemon/store/read_connections.h"
#include "daemon/store/store_writer.h"

namespace pingan::services {

struct AdminCommandContext {
  const core::Clock& clock;       // the daemon's clock (a drill clock in drills): exports
  const core::Clock& wall_clock;  // real time: audit entries, names of revoked key files
  store::ReadPool reads;          // read-only connections, shared
  store::StoreWriter& writer;
  config::ScheduleSource& schedules;
  std::string school_keys;                // key directory (or list file), config `school_keys`
  std::string imported_schools;           // <data_dir>/schools.imported.csv
  std::function<void()> on_keys_changed;  // reload the ZAP handler's keys
  BackupSources backup = {};              // the database and what it leaves out
};

// An enrolled key and whether its school is in the organisation.
struct SchoolKey {
  config::EnrolledKey key;
  std::string school_name;  // "" when not in the organisation
  bool in_org = false;
};

struct KeyEnrolRequest {
  std::string school;
  std::string public_key;  // Z85
  std::string actor;
};
struct KeyEnrolment {
  std::string school_id;
  std::string fingerprint;
  bool unchanged = false;               // the school already had exactly this key
  std::optional<std::string> replaced;  // the fingerprint of the key it replaced
};

struct KeyRevokeRequest {
  std::string school;
  std::string actor;
};
struct KeyRevocation {
  std::string school_id;
  std::string fingerprint;  // of the revoked key
};

struct SchoolImportRequest {
  std::string csv;
  bool dry_run = false;
  std::string file = "import.csv";  // names the input in errors and the audit log
  std::string actor;
};
// The plan's counts and errors; nothing was applied when `errors` is not empty.
struct SchoolImport {
  bool applied = false;
  bool dry_run = false;
  std::vector<std::string> added;    // school ids, in file order
  std::vector<std::string> updated;  // school ids, in file order
  int unchanged = 0;
  std::vector<config::LoadError> errors;  // in line order
};

// What a change of users or tokens made: console::AuthService makes them (the control
// commands in app/http_api.cc and the admin routes call it) and both answer with these.
enum class UserChange { kAdded, kPasswordChanged, kDisabled };
struct UserChanged {
  UserChange change = UserChange::kAdded;
  std::string name;
};
struct TokenCreated {
  std::string label;
  std::string token;  // shown this once; only its hash is stored
};

// ExportRequest with the days parsed from YYYY-MM-DD text; bad_request naming the key
// when one is empty or malformed.
ExportRequest ParseExportRequest(const std::string& from, const std::string& to,
                                 const std::string& unit, const std::string& scope);
struct LedgerExport {
  date::year_month_day from;
  date::year_month_day to;
  size_t rows = 0;
  std::string csv;  // ledger_export.h's format
};

// Virtual so that route tests can stand in a fake; the daemon has one instance, shared
// by the control commands and the HTTP routes.
class AdminService {
 public:
  explicit AdminService(AdminCommandContext context) : c_(std::move(context)) {}
  virtual ~AdminService() = default;

  virtual std::vector<store::UserRow> Users() const;
  virtual std::vector<SchoolKey> Keys() const;
  // not_found for a school outside the organisation; a bad or shared key is refused.
  virtual KeyEnrolment EnrolKey(const KeyEnrolRequest& request) const;
  // not_found when the school has no key.
  virtual KeyRevocation RevokeKey(const KeyRevokeRequest& request) const;
  // no_schedule without an organisation; errors of the file are in the answer.
  virtual SchoolImport ImportSchools(const SchoolImportRequest& request) const;
  // bad_request (period), not_found (unit), too_large, no_schedule.
  virtual LedgerExport ExportLedger(const ExportRequest& request) const;

  const AdminCommandContext& context() const { return c_; }

 private:
  void Audit(const std::string& actor, const std::string& action, const std::string& object,
             const std::string& detail) const;

  AdminCommandContext c_;
};

}  // namespace pingan::services

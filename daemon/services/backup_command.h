// The `backup` control command (pinganctl backup FILE): a consistent copy of the live
// database, taken while pingand keeps storing reports, plus the list of what a
// restore needs besides it.
//
//   backup  {path, force?, actor?} -> {path, bytes, pages, duration_ms, check: "ok",
//            keep_separately: [{path, what, exists}]}
//   errors: bad_request (no path, relative path), target_exists, no_directory,
//           not_writable, same_file, disk_full, backup_failed, check_failed
//
// The copy is made by store::BackupDatabase from a read-only connection leased from
// the read pool (the command runs on a read-pool worker, never on the io thread), so
// the writer goes on committing meanwhile. The database holds reports, ledger, alerts,
// outbox, users and tokens; it does NOT hold the daemon's CURVE key pair, the enrolled
// school keys, schools added by `schools import`, or the configuration files and TLS
// key: those are listed in the answer and the operator keeps them separately (they
// change rarely; docs/operations.md, "Back up and restore").
//
// And `text_key.rotate` (pinganctl text-key rotate), the other command about what a
// restore needs: a new text key, every protected text resealed under it on the writer
// thread (the handler waits), the old key filed as <text key>.retired-<id> for the
// backups taken before.
//
//   text_key.rotate  {actor?} -> {key, resealed, retired_key}
//   errors: rotate_failed (the old key stays in use; the message says why)
//
// Threading: the handlers run on a read-pool worker; BackupSourcesOf is plain data.
#pragma once

#include <string>
#include <vector>

#include "daemon/config/config.h"

namespace pingan::services {

// A file or directory the database backup does not contain.
struct KeptFile {
  std::string path;
  std::string what;
};

// Where the daemon's database is and what else a restore needs.
struct BackupSources {
  std::string database;        // the live database file
  std::string text_key;        // the key sealing protected text (store.text_key)
  std::vector<KeptFile> keep;  // key material and state outside the database
};

BackupSources BackupSourcesOf(const config::DaemonConfig& config);

struct AdminCommandContext;
class ControlServer;

// Registers `backup` and `text_key.rotate`; called by RegisterAdminCommands (its context
// is AdminService's).
void RegisterBackupCommand(ControlServer& server, const AdminCommandContext& context);

}  // namespace pingan::services

// Online backup of the live database, and the check a copy must pass before it is
// trusted (after a backup, and before a restore installs it).
//
// BackupDatabase copies through SQLite's backup API from a connection the caller owns
// (a read-only one from ReadConnections in the daemon). It holds one read transaction
// for the whole copy, so the copy is one consistent snapshot and is never restarted by
// the writer's commits; in WAL mode the writer goes on committing beside it (the WAL
// grows until the copy ends). Pages are copied in steps with a short pause between
// them, so the copy's disk writes leave room for the writer's fsyncs. The copy goes to
// a temporary file beside the target, is switched to a rollback journal (a backup is
// one self-contained file), passes PRAGMA quick_check, is fsynced and only then renamed
// to the target; on any failure the temporary file is removed, so a full disk leaves
// nothing behind.
//
// Threading: BackupDatabase uses `source` on the calling thread for its whole run
// (minutes for a large file): never the io thread. CheckDatabaseFile opens its own
// connection and may run on any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "daemon/store/database.h"

namespace pingan::store {

struct BackupOptions {
  bool overwrite = false;  // replace an existing target (pinganctl backup --force)
  int pages_per_step = 1024;
  std::chrono::milliseconds pause_between_steps{1};
};

struct BackupResult {
  std::string path;  // the target, absolute
  int64_t bytes = 0;
  int64_t pages = 0;
  std::chrono::milliseconds duration{0};
};

// Why a backup did not happen. Codes: target_exists, no_directory, not_writable,
// same_file (the target is the live database), disk_full, backup_failed, check_failed.
struct BackupError {
  std::string code;
  std::string message;
};

std::variant<BackupResult, BackupError> BackupDatabase(Database& source, const std::string& target,
                                                       const BackupOptions& options = {});

enum class CheckDepth { kQuick, kFull };  // PRAGMA quick_check / integrity_check

// The live database checked in place (from a read-only connection of the daemon: WAL
// lets the writer go on beside it): the first problems PRAGMA quick_check /
// integrity_check reports, "" when it says ok. Seconds per hundred MB: never the io thread.
std::string DatabaseProblems(Database& db, CheckDepth depth);

// What a database file holds, as far as a restore needs to know.
struct CheckedDatabase {
  int schema_version = 0;
  int64_t reports = 0;
};

// Opens `path` read-only without creating anything beside it (a WAL file next to it is
// ignored: a backup is self-contained) and checks it: a SQLite file, the check passes,
// a pingan schema this binary understands. The error text says what is wrong.
std::variant<CheckedDatabase, std::string> CheckDatabaseFile(const std::string& path,
                                                             CheckDepth depth);

}  // namespace pingan::store

// `pinganctl restore FILE`: the offline half of backup and restore. It runs on the
// daemon's machine with pingand stopped, and talks to no daemon:
//
//   1. takes the data directory's lock (pingand.lock), so it refuses while a pingand
//      runs there and no pingand can start while it works;
//   2. checks the backup in full (PRAGMA integrity_check, a pingan schema this version
//      understands): a damaged or foreign file is never installed;
//   3. sets the current database aside with its -wal and -shm, as
//      "<name>.replaced-<UTC time>" (nothing is deleted; a stale -wal must never be
//      replayed into the restored file);
//   4. copies the backup to a temporary file in the data directory, owned like the
//      directory (so a restore run as root leaves a file pingand's user can write),
//      fsyncs it and renames it into place.
//
// With check_only, only step 2 runs (no lock, no data directory needed): a way to test
// backups where they are kept. Key files are not part of it: the answer lists those
// the data directory lacks. Single-threaded CLI; does file I/O; takes `now` for names.
#pragma once

#include <string>
#include <variant>
#include <vector>

#include "daemon/core/clock.h"
#include "daemon/store/backup.h"

namespace pingan::ctl {

struct RestoreRequest {
  std::string backup;                  // the file to restore
  std::string data_dir;                // pingand's data directory
  std::string database = "pingan.db";  // the `database` setting (relative to data_dir)
  bool check_only = false;
};

struct RestoreOutcome {
  store::CheckedDatabase checked;
  std::string installed;                  // the database file written ("" when check_only)
  std::vector<std::string> set_aside;     // the previous database's files, renamed
  std::vector<std::string> missing_keys;  // expected key files absent from data_dir
};

// The error text says what is wrong and that nothing was changed, or what was.
std::variant<RestoreOutcome, std::string> RestoreDatabase(const RestoreRequest& request,
                                                          core::Instant now);

}  // namespace pingan::ctl

#include "daemon/store/backup.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <thread>
#include <vector>

namespace pingan::store {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

BackupError Failure(std::string code, std::string message) {
  return BackupError{std::move(code), std::move(message)};
}

bool SameFile(const fs::path& a, const fs::path& b) {
  std::error_code ec;
  return fs::weakly_canonical(a, ec) == fs::weakly_canonical(b, ec);
}

// Refusals that need no copying: where the target goes, and whether it may.
std::optional<BackupError> CheckTarget(const fs::path& target, const std::string& live,
                                       bool overwrite) {
  const fs::path dir = target.parent_path();
  std::error_code ec;
  if (!fs::exists(dir, ec)) {
    return Failure("no_directory", "directory " + dir.string() + " does not exist");
  }
  if (!fs::is_directory(dir, ec)) {
    return Failure("no_directory", dir.string() + " is not a directory");
  }
  if (::access(dir.c_str(), W_OK | X_OK) != 0) {
    return Failure("not_writable", "cannot write in " + dir.string() + ": " + std::strerror(errno));
  }
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    if (SameFile(target, live + suffix)) {
      return Failure("same_file", target.string() + " is the live database's own file");
    }
  }
  if (fs::is_directory(target, ec)) {
    return Failure("target_exists", target.string() + " is a directory; name a file");
  }
  if (fs::exists(target, ec) && !overwrite) {
    return Failure("target_exists", target.string() + " exists; use --force to replace it");
  }
  return std::nullopt;
}

void RemoveTemporary(const std::string& tmp) {
  for (const char* suffix : {"", "-journal", "-wal", "-shm"}) ::unlink((tmp + suffix).c_str());
}

bool SyncPath(const std::string& path, int flags) {
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return false;
  const bool ok = ::fsync(fd) == 0;
  ::close(fd);
  return ok;
}

// The first problems PRAGMA quick_check / integrity_check reports; "" when it says ok.
std::string RunCheck(sqlite3* db, CheckDepth depth, int* rc) {
  sqlite3_stmt* stmt = nullptr;
  const char* sql =
      depth == CheckDepth::kFull ? "PRAGMA integrity_check(20)" : "PRAGMA quick_check(20)";
  *rc = sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr);
  std::string problems;
  while (*rc == SQLITE_OK && sqlite3_step(stmt) == SQLITE_ROW) {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    const std::string line = text != nullptr ? text : "";
    if (line != "ok") problems += (problems.empty() ? "" : "; ") + line;
  }
  if (*rc == SQLITE_OK) *rc = sqlite3_finalize(stmt) == SQLITE_OK ? SQLITE_OK : sqlite3_errcode(db);
  if (*rc != SQLITE_OK && problems.empty()) problems = sqlite3_errmsg(db);
  return problems;
}

// One read transaction on the source for the whole copy: one snapshot, and the
// backup is not restarted by commits of the writer's connection.
class ReadSnapshot {
 public:
  explicit ReadSnapshot(SQLite::Database& db) : db_(db) {
    db_.exec("BEGIN");
    db_.execAndGet("SELECT count(*) FROM sqlite_schema");
  }
  ~ReadSnapshot() {
    try {
      db_.exec("COMMIT");
    } catch (...) {  // nothing was written; the connection goes back to the pool
    }
  }
  ReadSnapshot(const ReadSnapshot&) = delete;
  ReadSnapshot& operator=(const ReadSnapshot&) = delete;

 private:
  SQLite::Database& db_;
};

BackupError CopyError(int rc, int system_errno, const std::string& what, const std::string& dir,
                      int64_t need) {
  if (rc == SQLITE_FULL || system_errno == ENOSPC || system_errno == EFBIG) {
    return Failure("disk_full", "no space left in " + dir + " (the copy needs about " +
                                    std::to_string(need) + " bytes); nothing was kept");
  }
  return Failure("backup_failed", "copy failed: " + what);
}

// Copies every page, in steps; SQLITE_DONE when complete, else the error.
int StepCopy(SQLite::Database& source, sqlite3* dest, const BackupOptions& options,
             int64_t* pages) {
  constexpr int kMaxBusySteps = 1000;
  ReadSnapshot snapshot(source);
  sqlite3_backup* copy = sqlite3_backup_init(dest, "main", source.getHandle(), "main");
  if (copy == nullptr) return sqlite3_errcode(dest);
  int rc = SQLITE_OK;
  for (int busy = 0; busy < kMaxBusySteps;) {
    rc = sqlite3_backup_step(copy, options.pages_per_step);
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
      ++busy;
    } else if (rc != SQLITE_OK) {
      break;
    }
    std::this_thread::sleep_for(options.pause_between_steps);
  }
  *pages = sqlite3_backup_pagecount(copy);
  const int finished = sqlite3_backup_finish(copy);
  return rc == SQLITE_DONE && finished != SQLITE_OK ? finished : rc;
}

// Copies `source` into the empty file `tmp` and leaves it checked and on disk; returns
// the number of pages.
std::variant<int64_t, BackupError> CopyInto(SQLite::Database& source, const std::string& tmp,
                                            const std::string& dir, const BackupOptions& options) {
  const int64_t need = source.execAndGet("PRAGMA page_count").getInt64() *
                       source.execAndGet("PRAGMA page_size").getInt64();
  sqlite3* dest = nullptr;
  int64_t pages = 0;
  int rc = sqlite3_open_v2(tmp.c_str(), &dest, SQLITE_OPEN_READWRITE, nullptr);
  if (rc == SQLITE_OK) rc = StepCopy(source, dest, options, &pages);
  // A backup is one file: no -wal to carry along, and `sqlite3 FILE` opens it as is.
  if (rc == SQLITE_DONE) {
    rc = sqlite3_exec(dest, "PRAGMA journal_mode=DELETE", nullptr, nullptr, nullptr);
  }
  std::string problems;
  if (rc == SQLITE_OK) problems = RunCheck(dest, CheckDepth::kQuick, &rc);
  std::optional<BackupError> error;
  if (rc != SQLITE_OK) {
    error = CopyError(rc, sqlite3_system_errno(dest), dest ? sqlite3_errmsg(dest) : "no memory",
                      dir, need);
  } else if (!problems.empty()) {
    error = Failure("check_failed", "the copy failed quick_check: " + problems);
  }
  sqlite3_close(dest);
  if (error) return *error;
  if (!SyncPath(tmp, O_RDONLY)) {
    return CopyError(SQLITE_IOERR, errno, std::string("fsync: ") + std::strerror(errno), dir, need);
  }
  return pages;
}

// Moves the finished copy to `target`; without `overwrite` never over an existing file.
std::optional<BackupError> Install(const std::string& tmp, const fs::path& target, bool overwrite) {
  if (overwrite) {
    // A stale -wal beside the old file would be replayed into the new one on open.
    for (const char* suffix : {"-wal", "-shm", "-journal"}) {
      ::unlink((target.string() + suffix).c_str());
    }
  }
  const int rc =
      overwrite ? ::rename(tmp.c_str(), target.c_str())
                : ::renameat2(AT_FDCWD, tmp.c_str(), AT_FDCWD, target.c_str(), RENAME_NOREPLACE);
  if (rc != 0) {
    if (errno == EEXIST) {
      return Failure("target_exists", target.string() + " appeared meanwhile; nothing replaced");
    }
    return Failure("backup_failed",
                   "cannot rename the copy to " + target.string() + ": " + std::strerror(errno));
  }
  SyncPath(target.parent_path().string(), O_RDONLY | O_DIRECTORY);
  return std::nullopt;
}

}  // namespace

std::variant<BackupResult, BackupError> BackupDatabase(Database& source, const std::string& target,
                                                       const BackupOptions& options) {
  const Clock::time_point started = Clock::now();
  if (target.empty()) return Failure("bad_request", "no target file named");
  const fs::path path = fs::absolute(target).lexically_normal();
  if (auto refused = CheckTarget(path, source.path(), options.overwrite)) return *refused;
  std::string tmp = path.string() + ".tmp-XXXXXX";
  const int fd = ::mkstemp(tmp.data());  // mode 0600: the copy holds protected text
  if (fd < 0) {
    return Failure(
        errno == ENOSPC ? "disk_full" : "not_writable",
        "cannot create a file in " + path.parent_path().string() + ": " + std::strerror(errno));
  }
  ::close(fd);
  std::variant<int64_t, BackupError> copied = BackupError{};
  try {
    copied = CopyInto(source.sql(), tmp, path.parent_path().string(), options);
  } catch (const std::exception& e) {
    copied = Failure("backup_failed", e.what());
  }
  if (auto* e = std::get_if<BackupError>(&copied)) {
    RemoveTemporary(tmp);
    return *e;
  }
  std::error_code ec;
  const auto bytes = static_cast<int64_t>(fs::file_size(tmp, ec));
  if (auto refused = Install(tmp, path, options.overwrite)) {
    RemoveTemporary(tmp);
    return *refused;
  }
  return BackupResult{
      path.string(), bytes, std::get<int64_t>(copied),
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started)};
}

namespace {

std::string FileUri(const std::string& path) {
  std::string uri = "file:";
  for (char c : fs::absolute(path).string()) {
    if (c == '%' || c == '?' || c == '#') {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%%%02X", static_cast<unsigned char>(c));
      uri += hex;
    } else {
      uri += c;
    }
  }
  return uri + "?immutable=1";
}

std::variant<CheckedDatabase, std::string> Inspect(sqlite3* db, CheckDepth depth) {
  int rc = SQLITE_OK;
  const std::string problems = RunCheck(db, depth, &rc);
  if (rc != SQLITE_OK) return std::string("not a readable SQLite database: ") + problems;
  if (!problems.empty()) return "damaged: " + problems;
  CheckedDatabase out;
  auto scalar = [db](const char* sql, int64_t* value) {
    sqlite3_stmt* stmt = nullptr;
    bool ok = sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) == SQLITE_OK &&
              sqlite3_step(stmt) == SQLITE_ROW;
    if (ok) *value = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    return ok;
  };
  int64_t version = 0;
  scalar("PRAGMA user_version", &version);
  out.schema_version = static_cast<int>(version);
  if (out.schema_version == 0 || !scalar("SELECT count(*) FROM reports", &out.reports)) {
    return std::string("holds no pingan data (no schema version, no reports table)");
  }
  if (out.schema_version > LatestSchemaVersion()) {
    return "has schema version " + std::to_string(out.schema_version) +
           ", newer than this pingan understands (" + std::to_string(LatestSchemaVersion()) + ")";
  }
  return out;
}

}  // namespace

std::string DatabaseProblems(Database& db, CheckDepth depth) {
  int rc = SQLITE_OK;
  return RunCheck(db.sql().getHandle(), depth, &rc);
}

std::variant<CheckedDatabase, std::string> CheckDatabaseFile(const std::string& path,
                                                             CheckDepth depth) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return path + " is not a file";
  sqlite3* db = nullptr;
  const int rc =
      sqlite3_open_v2(FileUri(path).c_str(), &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, nullptr);
  std::variant<CheckedDatabase, std::string> out =
      rc == SQLITE_OK ? Inspect(db, depth)
                      : std::variant<CheckedDatabase, std::string>(
                            std::string("cannot open: ") + (db ? sqlite3_errmsg(db) : "no memory"));
  sqlite3_close(db);
  if (auto* e = std::get_if<std::string>(&out)) return path + ": " + *e;
  return out;
}

}  // namespace pingan::store

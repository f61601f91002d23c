// Database: opens pingan's SQLite file with the settings durability depends on and
// brings its schema up to date.
//
// WAL journal with synchronous=FULL: a commit that returned is on disk. The schema is
// versioned by PRAGMA user_version and migrated forward in order, each migration in
// its own transaction. A Database (like the SQLite connection inside it) is used by
// one thread at a time; open one per thread (readers may run beside the one writer).
#pragma once

#include <exception>
#include <memory>
#include <string>
#include <vector>

#include <SQLiteCpp/Database.h>

namespace pingan::store {

struct Migration {
  int version;              // user_version after this migration ran
  const char* description;  // for logs
  const char* sql;
};

// All migrations, oldest first (schema.cc).
const std::vector<Migration>& Migrations();
int LatestSchemaVersion();

// True when `e` is SQLite saying the file itself is damaged (SQLITE_CORRUPT,
// SQLITE_NOTADB): a permanent failure, unlike a full disk or a busy lock, which pass.
bool IsDamage(const std::exception& e);

enum class OpenMode { kReadWrite, kReadOnly };

class Database {
 public:
  // Opens (creating if needed, in kReadWrite) and migrates. Throws std::runtime_error
  // with the path on failure, or when the file's schema is newer than this binary.
  explicit Database(const std::string& path, OpenMode mode = OpenMode::kReadWrite);

  // The SQLite connection, for daemon/store's own code only: everything outside the
  // store passes the Database to a repository (tests/layout_test.sh checks it).
  SQLite::Database& sql() { return db_; }
  int schema_version() const;
  const std::string& path() const { return path_; }

 private:
  void Migrate();

  std::string path_;
  SQLite::Database db_;
};

}  // namespace pingan::store

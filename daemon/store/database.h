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
#include <unordered_map>
#include <vector>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

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

// The page cache of a read-write connection (the writer's), in KiB; readers keep
// SQLite's default (2 MiB each). docs/performance.md has the measurement.
inline constexpr int kWriterCacheKiB = 64 * 1024;

// A statement kept prepared on its connection (Database::Prepared), for statements run
// once per report or per school: preparing the alert insert cost more than running it
// (docs/performance.md). The handle resets and unbinds the statement when it goes. A
// statement already lent out (a nested call with the same SQL) is prepared afresh for
// the nested borrower, so borrowing is always safe.
class PreparedStatement {
 public:
  PreparedStatement(const PreparedStatement&) = delete;
  PreparedStatement& operator=(const PreparedStatement&) = delete;
  ~PreparedStatement();
  SQLite::Statement& operator*() { return *statement_; }
  SQLite::Statement* operator->() { return statement_; }

 private:
  friend class Database;
  PreparedStatement(SQLite::Statement* kept, bool* lent) : statement_(kept), lent_(lent) {}
  explicit PreparedStatement(std::unique_ptr<SQLite::Statement> own)
      : own_(std::move(own)), statement_(own_.get()) {}

  std::unique_ptr<SQLite::Statement> own_;
  SQLite::Statement* statement_;
  bool* lent_ = nullptr;
};

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
  // `sql` prepared once on this connection and lent out (see PreparedStatement).
  PreparedStatement Prepared(const std::string& sql);

 private:
  struct KeptStatement {
    std::unique_ptr<SQLite::Statement> statement;
    bool lent = false;
  };
  void Migrate();

  std::string path_;
  SQLite::Database db_;
  std::unordered_map<std::string, KeptStatement> prepared_;  // after db_: finalised first
};

}  // namespace pingan::store

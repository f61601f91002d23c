#include "daemon/store/database.h"

#include "daemon/store/text_seal.h"

#include <spdlog/spdlog.h>

#include <SQLiteCpp/Transaction.h>
#include <sqlite3.h>

#include <filesystem>
#include <stdexcept>

namespace pingan::store {
namespace {

int OpenFlags(OpenMode mode) {
  return mode == OpenMode::kReadOnly ? SQLite::OPEN_READONLY
                                     : SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE;
}

SQLite::Database OpenOrExplain(const std::string& path, OpenMode mode) {
  // SQLite takes an existing empty file for a new database and would start afresh on
  // it: a file truncated by a crash or a full disk must stop the start instead.
  std::error_code ec;
  if (std::filesystem::is_regular_file(path, ec) && std::filesystem::file_size(path, ec) == 0 &&
      !ec) {
    throw std::runtime_error("database " + path +
                             " is an empty file (0 bytes): restore the last backup "
                             "(docs/operations.md), or remove the file to start with no data");
  }
  try {
    return SQLite::Database(path, OpenFlags(mode), /*busyTimeoutMs=*/5000);
  } catch (const SQLite::Exception& e) {
    throw std::runtime_error("cannot open database " + path + ": " + e.what());
  }
}

}  // namespace

bool IsDamage(const std::exception& e) {
  const auto* sqlite = dynamic_cast<const SQLite::Exception*>(&e);
  if (sqlite == nullptr) return false;
  const int code =
      sqlite->getErrorCode() >= 0 ? sqlite->getErrorCode() : sqlite->getExtendedErrorCode();
  const int primary = code & 0xff;
  return primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB;
}

Database::Database(const std::string& path, OpenMode mode)
    : path_(path), db_(OpenOrExplain(path, mode)) {
  int version = 0;
  try {
    if (mode == OpenMode::kReadWrite) {
      db_.exec("PRAGMA journal_mode=WAL");
      db_.exec("PRAGMA synchronous=FULL");
      // The writer's page cache (SQLite's default is 2 MiB): a deadline's transaction
      // touches hundreds of thousands of ledger rows and a report batch a page per
      // index, and with the default they spill to the WAL and are read back mid-batch.
      db_.exec("PRAGMA cache_size=-" + std::to_string(kWriterCacheKiB));
    }
    db_.exec("PRAGMA foreign_keys=ON");
    InstallTextFunctions(db_, path_);  // seal_text / open_text (text_seal.h)
    version = schema_version();
  } catch (const SQLite::Exception& e) {
    // A damaged or foreign file stops here, before anything is written to it.
    throw std::runtime_error("cannot use database " + path + ": " + e.what() +
                             " (a damaged file: restore a backup, docs/operations.md)");
  }
  if (version > LatestSchemaVersion()) {
    throw std::runtime_error(path + " has schema version " + std::to_string(version) +
                             ", newer than this pingand understands (" +
                             std::to_string(LatestSchemaVersion()) + "); upgrade pingand");
  }
  if (mode == OpenMode::kReadWrite) {
    Migrate();
  } else if (version < LatestSchemaVersion()) {
    throw std::runtime_error(path + " is at schema version " + std::to_string(version) +
                             "; start pingand once to migrate it");
  }
}

PreparedStatement::~PreparedStatement() {
  if (lent_ == nullptr) return;
  statement_->tryReset();  // an error of the last step was already thrown to its caller
  try {
    statement_->clearBindings();
  } catch (const SQLite::Exception&) {
    // Only a misuse makes clearing fail; the next borrower binds every parameter anyway.
  }
  *lent_ = false;
}

PreparedStatement Database::Prepared(const std::string& sql) {
  KeptStatement& kept = prepared_[sql];
  if (!kept.statement) kept.statement = std::make_unique<SQLite::Statement>(db_, sql);
  if (kept.lent) return PreparedStatement(std::make_unique<SQLite::Statement>(db_, sql));
  kept.lent = true;
  return PreparedStatement(kept.statement.get(), &kept.lent);
}

int Database::schema_version() const {
  return const_cast<SQLite::Database&>(db_).execAndGet("PRAGMA user_version").getInt();
}

void Database::Migrate() {
  for (const Migration& m : Migrations()) {
    if (m.version <= schema_version()) continue;
    SQLite::Transaction tx(db_);
    db_.exec(m.sql);
    db_.exec("PRAGMA user_version=" + std::to_string(m.version));
    tx.commit();
    spdlog::info("database {}: migrated to schema {} ({})", path_, m.version, m.description);
  }
}

int LatestSchemaVersion() {
  return Migrations().empty() ? 0 : Migrations().back().version;
}

}  // namespace pingan::store

#include "agents/spool.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "daemon/core/local_time.h"

namespace pingan::agent {
namespace {

constexpr int kSchemaVersion = 1;

// Version 1. States and answers are stored as text so that an operator can read the
// file with the sqlite3 shell; priority 0 (incidents) is sent before 1 (the rest).
constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE reports (
  report_id       TEXT PRIMARY KEY,
  kind            TEXT NOT NULL CHECK (kind IN ('all_clear', 'incident', 'monthly')),
  priority        INTEGER NOT NULL,
  covers          TEXT NOT NULL,
  created_at      INTEGER NOT NULL,          -- Unix ms, UTC
  frame           BLOB,                      -- NULL once answered
  state           TEXT NOT NULL CHECK (state IN ('pending', 'acked', 'rejected')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,          -- Unix ms
  last_backoff_ms INTEGER NOT NULL DEFAULT 0,
  last_error      TEXT NOT NULL DEFAULT '',
  ack_status      TEXT,                      -- 'stored' / 'duplicate'
  reject_reason   INTEGER,                   -- core::RejectReason value
  reject_detail   TEXT NOT NULL DEFAULT '',
  answered_at     INTEGER                    -- Unix ms
);
CREATE INDEX reports_due ON reports (state, priority, next_attempt_at);
CREATE INDEX reports_created ON reports (created_at);
CREATE TABLE settings (
  name  TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
)sql";

constexpr const char* kEntryColumns =
    "report_id, kind, covers, created_at, state, attempts, next_attempt_at, last_backoff_ms, "
    "last_error, ack_status, reject_reason, reject_detail, answered_at";

// Creates the file with mode 0600 before SQLite does (it would use 0644): the spool
// holds protected incident text until the daemon has it.
std::optional<SpoolError> CreatePrivately(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return SpoolError{"cannot create spool " + path + ": " + std::strerror(errno)};
  ::close(fd);
  return std::nullopt;
}

SpoolState StateFromName(const std::string& name) {
  if (name == "acked") return SpoolState::kAcked;
  if (name == "rejected") return SpoolState::kRejected;
  return SpoolState::kPending;
}

SpoolEntry ReadEntry(SQLite::Statement& s) {
  SpoolEntry e;
  e.report_id = s.getColumn(0).getString();
  e.kind = core::ParseReportKind(s.getColumn(1).getString()).value_or(core::ReportKind::kAllClear);
  e.covers = s.getColumn(2).getString();
  e.created_at = core::FromUnixMillis(s.getColumn(3).getInt64());
  e.state = StateFromName(s.getColumn(4).getString());
  e.attempts = s.getColumn(5).getInt();
  e.next_attempt_at = core::FromUnixMillis(s.getColumn(6).getInt64());
  e.last_backoff = core::Millis{s.getColumn(7).getInt64()};
  e.last_error = s.getColumn(8).getString();
  if (!s.getColumn(9).isNull()) {
    e.ack_status = s.getColumn(9).getString() == "duplicate" ? wire::AckStatus::kDuplicate
                                                             : wire::AckStatus::kStored;
  }
  if (!s.getColumn(10).isNull()) {
    e.rejected = static_cast<core::RejectReason>(s.getColumn(10).getInt());
  }
  e.reject_detail = s.getColumn(11).getString();
  if (!s.getColumn(12).isNull()) e.answered_at = core::FromUnixMillis(s.getColumn(12).getInt64());
  return e;
}

std::optional<core::Instant> OptionalInstant(SQLite::Database& db, const std::string& sql) {
  SQLite::Statement s(db, sql);
  if (!s.executeStep() || s.getColumn(0).isNull()) return std::nullopt;
  return core::FromUnixMillis(s.getColumn(0).getInt64());
}

}  // namespace

std::string_view SpoolStateName(SpoolState state) {
  switch (state) {
    case SpoolState::kPending:
      return "pending";
    case SpoolState::kAcked:
      return "acked";
    case SpoolState::kRejected:
      return "rejected";
  }
  return "unknown";
}

std::variant<std::unique_ptr<Spool>, SpoolError> Spool::Open(const std::string& path,
                                                             const core::Clock& clock,
                                                             SpoolOptions options) {
  if (auto err = CreatePrivately(path)) return *err;
  try {
    auto db = std::make_unique<SQLite::Database>(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE,
                                                 /*busyTimeoutMs=*/5000);
    db->exec("PRAGMA journal_mode=WAL");
    db->exec(options.durable ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
    db->exec("PRAGMA secure_delete=ON");
    const int version = db->execAndGet("PRAGMA user_version").getInt();
    if (version > kSchemaVersion) {
      return SpoolError{"spool " + path + " has schema version " + std::to_string(version) +
                        ", newer than this pingan-agent understands (" +
                        std::to_string(kSchemaVersion) + "); upgrade pingan-agent"};
    }
    std::unique_ptr<Spool> spool(new Spool(path, std::move(db), clock, options));
    spool->Migrate();
    return spool;
  } catch (const SQLite::Exception& e) {
    return SpoolError{"cannot open spool " + path + ": " + e.what()};
  }
}

Spool::Spool(std::string path, std::unique_ptr<SQLite::Database> db, const core::Clock& clock,
             SpoolOptions options)
    : path_(std::move(path)), db_(std::move(db)), clock_(clock), options_(options) {}

Spool::~Spool() = default;

void Spool::Migrate() {
  if (db_->execAndGet("PRAGMA user_version").getInt() >= kSchemaVersion) return;
  SQLite::Transaction tx(*db_);
  // Re-read inside the transaction: another process may have migrated meanwhile.
  if (db_->execAndGet("PRAGMA user_version").getInt() < 1) {
    db_->exec(kSchemaV1);
    db_->exec("PRAGMA user_version=1");
  }
  tx.commit();
}

std::variant<AddResult, LocalRefusal> Spool::Add(const core::Report& report) {
  const core::Instant now = clock_.Now();
  if (auto refusal = CheckReport(report, now, options_.limits)) return *refusal;
  const std::string frame = wire::EncodeReportFrame(report);
  SQLite::Statement insert(*db_,
                           "INSERT INTO reports (report_id, kind, priority, covers, created_at, "
                           "frame, state, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, 'pending', ?) "
                           "ON CONFLICT (report_id) DO NOTHING");
  insert.bind(1, report.report_id);
  insert.bind(2, std::string(core::ReportKindName(report.kind)));
  insert.bind(3, report.kind == core::ReportKind::kIncident ? 0 : 1);
  insert.bind(4, core::FormatDate(report.covers));
  insert.bind(5, core::ToUnixMillis(now));
  insert.bind(6, frame.data(), static_cast<int>(frame.size()));
  insert.bind(7, core::ToUnixMillis(now));
  return insert.exec() == 1 ? AddResult::kAdded : AddResult::kAlreadySpooled;
}

std::vector<DueReport> Spool::DuePending(core::Instant now, size_t limit) {
  SQLite::Statement s(*db_,
                      "SELECT report_id, frame, attempts, last_backoff_ms FROM reports "
                      "WHERE state = 'pending' AND next_attempt_at <= ? "
                      "ORDER BY priority, next_attempt_at, report_id LIMIT ?");
  s.bind(1, core::ToUnixMillis(now));
  s.bind(2, static_cast<int64_t>(limit));
  std::vector<DueReport> due;
  while (s.executeStep()) {
    const auto& frame = s.getColumn(1);
    due.push_back(DueReport{s.getColumn(0).getString(),
                            std::string(static_cast<const char*>(frame.getBlob()),
                                        static_cast<size_t>(frame.getBytes())),
                            s.getColumn(2).getInt(), core::Millis{s.getColumn(3).getInt64()}});
  }
  return due;
}

void Spool::MarkSent(const std::string& report_id, core::Instant resend_at) {
  SQLite::Statement s(*db_,
                      "UPDATE reports SET attempts = attempts + 1, next_attempt_at = ? "
                      "WHERE report_id = ? AND state = 'pending'");
  s.bind(1, core::ToUnixMillis(resend_at));
  s.bind(2, report_id);
  s.exec();
}

void Spool::MarkAttemptFailed(const std::string& report_id, const std::string& error,
                              core::Millis backoff) {
  SQLite::Statement s(*db_,
                      "UPDATE reports SET next_attempt_at = ?, last_backoff_ms = ?, last_error = ? "
                      "WHERE report_id = ? AND state = 'pending'");
  s.bind(1, core::ToUnixMillis(clock_.Now() + backoff));
  s.bind(2, static_cast<int64_t>(backoff.count()));
  s.bind(3, error);
  s.bind(4, report_id);
  s.exec();
}

bool Spool::MarkAcked(const std::string& report_id, wire::AckStatus status) {
  SQLite::Statement s(*db_,
                      "UPDATE reports SET state = 'acked', ack_status = ?, answered_at = ?, "
                      "frame = NULL, last_error = '' WHERE report_id = ? AND state = 'pending'");
  s.bind(1, status == wire::AckStatus::kDuplicate ? "duplicate" : "stored");
  s.bind(2, core::ToUnixMillis(clock_.Now()));
  s.bind(3, report_id);
  return s.exec() == 1;
}

bool Spool::MarkRejected(const std::string& report_id, core::RejectReason reason,
                         const std::string& detail) {
  SQLite::Statement s(
      *db_,
      "UPDATE reports SET state = 'rejected', reject_reason = ?, reject_detail = ?, "
      "answered_at = ?, frame = NULL WHERE report_id = ? AND state = 'pending'");
  s.bind(1, static_cast<int>(reason));
  s.bind(2, detail);
  s.bind(3, core::ToUnixMillis(clock_.Now()));
  s.bind(4, report_id);
  return s.exec() == 1;
}

SpoolCounts Spool::Counts() {
  SpoolCounts counts;
  SQLite::Statement s(*db_, "SELECT state, count(*) FROM reports GROUP BY state");
  while (s.executeStep()) {
    const int64_t n = s.getColumn(1).getInt64();
    switch (StateFromName(s.getColumn(0).getString())) {
      case SpoolState::kPending:
        counts.pending = n;
        break;
      case SpoolState::kAcked:
        counts.acked = n;
        break;
      case SpoolState::kRejected:
        counts.rejected = n;
        break;
    }
  }
  counts.oldest_pending =
      OptionalInstant(*db_, "SELECT min(created_at) FROM reports WHERE state = 'pending'");
  counts.next_attempt_at =
      OptionalInstant(*db_, "SELECT min(next_attempt_at) FROM reports WHERE state = 'pending'");
  return counts;
}

std::optional<SpoolEntry> Spool::Get(const std::string& report_id) {
  SQLite::Statement s(*db_,
                      std::string("SELECT ") + kEntryColumns + " FROM reports WHERE report_id = ?");
  s.bind(1, report_id);
  if (!s.executeStep()) return std::nullopt;
  return ReadEntry(s);
}

std::vector<SpoolEntry> Spool::Recent(size_t n) {
  SQLite::Statement s(*db_, std::string("SELECT ") + kEntryColumns +
                                " FROM reports ORDER BY created_at DESC, report_id DESC LIMIT ?");
  s.bind(1, static_cast<int64_t>(n));
  std::vector<SpoolEntry> entries;
  while (s.executeStep()) entries.push_back(ReadEntry(s));
  return entries;
}

std::optional<std::string> Spool::GetSetting(const std::string& name) {
  SQLite::Statement s(*db_, "SELECT value FROM settings WHERE name = ?");
  s.bind(1, name);
  if (!s.executeStep()) return std::nullopt;
  return s.getColumn(0).getString();
}

void Spool::PutSetting(const std::string& name, const std::string& value) {
  SQLite::Statement s(*db_,
                      "INSERT INTO settings (name, value) VALUES (?, ?) "
                      "ON CONFLICT (name) DO UPDATE SET value = excluded.value");
  s.bind(1, name);
  s.bind(2, value);
  s.exec();
}

int64_t Spool::PurgeAcked(std::chrono::days older_than) {
  SQLite::Statement s(*db_, "DELETE FROM reports WHERE state = 'acked' AND answered_at < ?");
  s.bind(1, core::ToUnixMillis(clock_.Now() - older_than));
  return s.exec();
}

}  // namespace pingan::agent

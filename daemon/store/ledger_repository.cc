#include "daemon/store/ledger_repository.h"

#include <SQLiteCpp/Statement.h>

namespace pingan::store {
namespace {

constexpr const char* kLedgerColumns =
    "SELECT school_id, requirement_id, window_id, status, deadline_ms, report_id, "
    "received_at_ms, lateness_ms FROM ledger ";

LedgerRowStatus ParseStatus(const std::string& s) {
  if (s == "on_time") return LedgerRowStatus::kOnTime;
  if (s == "late") return LedgerRowStatus::kLate;
  if (s == "excused") return LedgerRowStatus::kExcused;
  return LedgerRowStatus::kMissing;
}

LedgerRow ReadLedgerRow(SQLite::Statement& s) {
  LedgerRow row;
  row.school_id = s.getColumn(0).getString();
  row.requirement_id = s.getColumn(1).getString();
  row.window_id = s.getColumn(2).getString();
  row.status = ParseStatus(s.getColumn(3).getString());
  row.deadline = core::FromUnixMillis(s.getColumn(4).getInt64());
  row.report_id = s.getColumn(5).isNull() ? "" : s.getColumn(5).getString();
  if (!s.getColumn(6).isNull()) row.received_at = core::FromUnixMillis(s.getColumn(6).getInt64());
  row.lateness = core::Millis{s.getColumn(7).getInt64()};
  return row;
}

std::vector<LedgerRow> ReadLedgerRows(SQLite::Statement& s) {
  std::vector<LedgerRow> out;
  while (s.executeStep()) out.push_back(ReadLedgerRow(s));
  return out;
}

void BindRow(SQLite::Statement& s, const LedgerRow& row, core::Instant now) {
  s.bind(1, row.school_id);
  s.bind(2, row.requirement_id);
  s.bind(3, row.window_id);
  s.bind(4, std::string(LedgerRowStatusName(row.status)));
  s.bind(5, static_cast<int64_t>(core::ToUnixMillis(row.deadline)));
  if (!row.report_id.empty()) s.bind(6, row.report_id);
  if (row.received_at) s.bind(7, static_cast<int64_t>(core::ToUnixMillis(*row.received_at)));
  s.bind(8, static_cast<int64_t>(row.lateness.count()));
  s.bind(9, static_cast<int64_t>(core::ToUnixMillis(now)));
}

}  // namespace

std::string_view LedgerRowStatusName(LedgerRowStatus s) {
  switch (s) {
    case LedgerRowStatus::kOnTime:
      return "on_time";
    case LedgerRowStatus::kLate:
      return "late";
    case LedgerRowStatus::kMissing:
      return "missing";
    case LedgerRowStatus::kExcused:
      return "excused";
  }
  return "missing";
}

std::optional<LedgerRowStatus> LedgerRepository::RecordReceived(const LedgerRow& row,
                                                                core::Instant now) {
  PreparedStatement kept_find = store_.Prepared(
      "SELECT status FROM ledger WHERE requirement_id = ?1 AND window_id = ?2 "
      "AND school_id = ?3");
  SQLite::Statement& find = *kept_find;
  find.bind(1, row.requirement_id);
  find.bind(2, row.window_id);
  find.bind(3, row.school_id);
  std::optional<LedgerRowStatus> before;
  if (find.executeStep()) before = ParseStatus(find.getColumn(0).getString());
  if (before && *before != LedgerRowStatus::kMissing) return before;  // first report counts
  PreparedStatement upsert = store_.Prepared(R"sql(
INSERT INTO ledger (school_id, requirement_id, window_id, status, deadline_ms, report_id,
                    received_at_ms, lateness_ms, updated_at_ms)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
ON CONFLICT (requirement_id, window_id, school_id) DO UPDATE SET
  status = excluded.status, report_id = excluded.report_id,
  received_at_ms = excluded.received_at_ms, lateness_ms = excluded.lateness_ms,
  updated_at_ms = excluded.updated_at_ms)sql");
  BindRow(*upsert, row, now);
  upsert->exec();
  return before;
}

bool LedgerRepository::RecordMissing(const LedgerRow& row, core::Instant now) {
  PreparedStatement insert = store_.Prepared(R"sql(
INSERT INTO ledger (school_id, requirement_id, window_id, status, deadline_ms, report_id,
                    received_at_ms, lateness_ms, updated_at_ms)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
ON CONFLICT DO NOTHING)sql");
  BindRow(*insert, row, now);
  return insert->exec() > 0;
}

std::optional<LedgerRow> LedgerRepository::Find(const std::string& school_id,
                                                const std::string& requirement_id,
                                                const std::string& window_id) {
  PreparedStatement kept =
      store_.Prepared(std::string(kLedgerColumns) +
                      "WHERE requirement_id = ?1 AND window_id = ?2 AND school_id = ?3");
  SQLite::Statement& s = *kept;
  s.bind(1, requirement_id);
  s.bind(2, window_id);
  s.bind(3, school_id);
  if (!s.executeStep()) return std::nullopt;
  return ReadLedgerRow(s);
}

std::unordered_set<std::string> LedgerRepository::SchoolsWithRow(const std::string& requirement_id,
                                                                 const std::string& window_id) {
  SQLite::Statement s(db_,
                      "SELECT school_id FROM ledger WHERE requirement_id = ?1 AND window_id = ?2");
  s.bind(1, requirement_id);
  s.bind(2, window_id);
  std::unordered_set<std::string> out;
  while (s.executeStep()) out.insert(s.getColumn(0).getString());
  return out;
}

std::vector<LedgerRow> LedgerRepository::ForWindow(const std::string& requirement_id,
                                                   const std::string& window_id) {
  SQLite::Statement s(db_, std::string(kLedgerColumns) +
                               "WHERE requirement_id = ?1 AND window_id = ?2 ORDER BY school_id");
  s.bind(1, requirement_id);
  s.bind(2, window_id);
  return ReadLedgerRows(s);
}

std::map<LedgerRowStatus, int> LedgerRepository::CountByStatus(const std::string& requirement_id,
                                                               const std::string& window_id) {
  SQLite::Statement s(db_,
                      "SELECT status, count(*) FROM ledger WHERE requirement_id = ?1 AND "
                      "window_id = ?2 GROUP BY status");
  s.bind(1, requirement_id);
  s.bind(2, window_id);
  std::map<LedgerRowStatus, int> out;
  while (s.executeStep()) out[ParseStatus(s.getColumn(0).getString())] = s.getColumn(1).getInt();
  return out;
}

std::vector<LedgerRow> LedgerRepository::ForSchool(const std::string& school_id, int limit) {
  SQLite::Statement s(
      db_, std::string(kLedgerColumns) + "WHERE school_id = ?1 ORDER BY deadline_ms DESC LIMIT ?2");
  s.bind(1, school_id);
  s.bind(2, limit);
  return ReadLedgerRows(s);
}

std::vector<LedgerRow> LedgerRepository::WithStatus(LedgerRowStatus status, int limit) {
  SQLite::Statement s(db_, std::string(kLedgerColumns) +
                               "WHERE status = ?1 ORDER BY deadline_ms DESC, school_id LIMIT ?2");
  s.bind(1, std::string(LedgerRowStatusName(status)));
  s.bind(2, limit);
  return ReadLedgerRows(s);
}

std::vector<LedgerRow> LedgerRepository::MissingSince(core::Instant from, int limit) {
  SQLite::Statement s(db_, std::string(kLedgerColumns) +
                               "WHERE status = 'missing' AND deadline_ms >= ?1 "
                               "ORDER BY deadline_ms LIMIT ?2");
  s.bind(1, static_cast<int64_t>(core::ToUnixMillis(from)));
  s.bind(2, limit);
  return ReadLedgerRows(s);
}

bool LedgerRepository::ExcuseMissing(const LedgerRow& row, core::Instant now) {
  SQLite::Statement s(db_,
                      "UPDATE ledger SET status = 'excused', updated_at_ms = ?4 "
                      "WHERE requirement_id = ?1 AND window_id = ?2 AND school_id = ?3 "
                      "AND status = 'missing'");
  s.bind(1, row.requirement_id);
  s.bind(2, row.window_id);
  s.bind(3, row.school_id);
  s.bind(4, static_cast<int64_t>(core::ToUnixMillis(now)));
  return s.exec() == 1;
}

bool LedgerRepository::IsSwept(const std::string& sweep_key, SweepKind kind) {
  SQLite::Statement s(db_, "SELECT 1 FROM swept_windows WHERE sweep_key = ?1 AND kind = ?2");
  s.bind(1, sweep_key);
  s.bind(2, kind == SweepKind::kDeadline ? "deadline" : "reminder");
  return s.executeStep();
}

void LedgerRepository::MarkSwept(const SweptWindow& w, core::Instant now) {
  SQLite::Statement s(db_,
                      "INSERT INTO swept_windows (sweep_key, kind, requirement_id, window_id, "
                      "due_at_ms, swept_at_ms, schools, affected) "
                      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  s.bind(1, w.sweep_key);
  s.bind(2, w.kind == SweepKind::kDeadline ? "deadline" : "reminder");
  s.bind(3, w.requirement_id);
  s.bind(4, w.window_id);
  s.bind(5, static_cast<int64_t>(core::ToUnixMillis(w.due_at)));
  s.bind(6, static_cast<int64_t>(core::ToUnixMillis(now)));
  s.bind(7, w.schools);
  s.bind(8, w.affected);
  s.exec();
}

std::optional<std::string> LedgerRepository::GetState(const std::string& key) {
  SQLite::Statement s(db_, "SELECT value FROM daemon_state WHERE key = ?1");
  s.bind(1, key);
  if (!s.executeStep()) return std::nullopt;
  return s.getColumn(0).getString();
}

void LedgerRepository::SetState(const std::string& key, const std::string& value) {
  SQLite::Statement s(db_,
                      "INSERT INTO daemon_state (key, value) VALUES (?1, ?2) "
                      "ON CONFLICT (key) DO UPDATE SET value = excluded.value");
  s.bind(1, key);
  s.bind(2, value);
  s.exec();
}

}  // namespace pingan::store

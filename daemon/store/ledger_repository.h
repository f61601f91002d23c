// LedgerRepository: per school and reporting window, what is known (on time, late,
// missing, excused), plus the sweep's progress marks. Thin SQL over one connection;
// writes run inside the caller's transaction. One thread at a time.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "daemon/core/clock.h"
#include "daemon/store/database.h"

namespace pingan::store {

enum class LedgerRowStatus { kOnTime, kLate, kMissing, kExcused };
std::string_view LedgerRowStatusName(LedgerRowStatus s);  // "on_time", "late", ...

struct LedgerRow {
  std::string school_id;
  std::string requirement_id;
  std::string window_id;
  LedgerRowStatus status = LedgerRowStatus::kMissing;
  core::Instant deadline{};
  std::string report_id;
  std::optional<core::Instant> received_at;
  core::Millis lateness{0};
};

enum class SweepKind { kDeadline, kReminder };

struct SweptWindow {
  std::string sweep_key;  // core::SweepKey(window)
  SweepKind kind = SweepKind::kDeadline;
  std::string requirement_id;
  std::string window_id;
  core::Instant due_at{};  // grace end, or reminder time
  int schools = 0;
  int affected = 0;  // missing schools, or reminders queued
};

class LedgerRepository {
 public:
  explicit LedgerRepository(Database& db) : store_(db), db_(db.sql()) {}

  // A report arrived for the window. Keeps the first report; replaces only a
  // 'missing' row (the report came late). Returns the status the row had before.
  std::optional<LedgerRowStatus> RecordReceived(const LedgerRow& row, core::Instant now);
  // The sweep found silence. Returns false when a row already existed.
  bool RecordMissing(const LedgerRow& row, core::Instant now);
  std::optional<LedgerRow> Find(const std::string& school_id, const std::string& requirement_id,
                                const std::string& window_id);
  // Schools with any row (received, missing or excused) for the window.
  std::unordered_set<std::string> SchoolsWithRow(const std::string& requirement_id,
                                                 const std::string& window_id);
  std::vector<LedgerRow> ForWindow(const std::string& requirement_id, const std::string& window_id);
  // Rows of one window counted by status.
  std::map<LedgerRowStatus, int> CountByStatus(const std::string& requirement_id,
                                               const std::string& window_id);
  std::vector<LedgerRow> ForSchool(const std::string& school_id, int limit);
  std::vector<LedgerRow> WithStatus(LedgerRowStatus status, int limit);
  // Missing rows whose deadline is at or after `from`, oldest first (a new exemption
  // looks for the ones it covers).
  std::vector<LedgerRow> MissingSince(core::Instant from, int limit);
  // A missing row becomes excused (an exemption made after the sweep); false when the
  // row is not missing.
  bool ExcuseMissing(const LedgerRow& row, core::Instant now);

  bool IsSwept(const std::string& sweep_key, SweepKind kind);
  void MarkSwept(const SweptWindow& window, core::Instant now);

  std::optional<std::string> GetState(const std::string& key);
  void SetState(const std::string& key, const std::string& value);

 private:
  Database& store_;  // for its kept statements (run per report and per school)
  SQLite::Database& db_;
};

}  // namespace pingan::store

#include "daemon/store/exemption_repository.h"

#include <SQLiteCpp/Statement.h>

#include "daemon/core/local_time.h"

namespace pingan::store {
namespace {

constexpr const char* kExemptionColumns =
    "SELECT exemption_id, first_day, last_day, scope_unit, requirement_ids, reason, "
    "created_by, created_at_ms, withdrawn_by, withdrawn_at_ms FROM exemptions ";

// Requirement ids are stored comma-separated (ids never hold commas: they are config
// keys checked by the loader).
std::string JoinIds(const std::vector<std::string>& ids) {
  std::string out;
  for (const std::string& id : ids) out += (out.empty() ? "" : ",") + id;
  return out;
}

std::vector<std::string> SplitIds(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    if (comma > start) out.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

date::year_month_day Day(const std::string& text) {
  return core::ParseDate(text).value_or(date::year_month_day{});
}

core::Exemption ReadExemption(SQLite::Statement& s) {
  core::Exemption e;
  e.id = s.getColumn(0).getString();
  e.first = Day(s.getColumn(1).getString());
  e.last = Day(s.getColumn(2).getString());
  e.scope_unit_id = s.getColumn(3).getString();
  e.requirement_ids = SplitIds(s.getColumn(4).getString());
  e.reason = s.getColumn(5).getString();
  e.created_by = s.getColumn(6).getString();
  e.created_at = core::FromUnixMillis(s.getColumn(7).getInt64());
  e.withdrawn_by = s.getColumn(8).getString();
  if (!s.getColumn(9).isNull()) e.withdrawn_at = core::FromUnixMillis(s.getColumn(9).getInt64());
  return e;
}

std::vector<core::Exemption> ReadExemptions(SQLite::Statement& s) {
  std::vector<core::Exemption> out;
  while (s.executeStep()) out.push_back(ReadExemption(s));
  return out;
}

}  // namespace

bool ExemptionRepository::Insert(const core::Exemption& e) {
  SQLite::Statement s(db_,
                      "INSERT OR IGNORE INTO exemptions (exemption_id, first_day, last_day, "
                      "scope_unit, requirement_ids, reason, created_by, created_at_ms) "
                      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  s.bind(1, e.id);
  s.bind(2, core::FormatDate(e.first));
  s.bind(3, core::FormatDate(e.last));
  s.bind(4, e.scope_unit_id);
  s.bind(5, JoinIds(e.requirement_ids));
  s.bind(6, e.reason);
  s.bind(7, e.created_by);
  s.bind(8, static_cast<int64_t>(core::ToUnixMillis(e.created_at)));
  return s.exec() == 1;
}

bool ExemptionRepository::Withdraw(const std::string& id, const std::string& who,
                                   core::Instant now) {
  SQLite::Statement s(db_,
                      "UPDATE exemptions SET withdrawn_by = ?2, withdrawn_at_ms = ?3 "
                      "WHERE exemption_id = ?1 AND withdrawn_at_ms IS NULL");
  s.bind(1, id);
  s.bind(2, who);
  s.bind(3, static_cast<int64_t>(core::ToUnixMillis(now)));
  return s.exec() == 1;
}

std::optional<core::Exemption> ExemptionRepository::Find(const std::string& id) {
  SQLite::Statement s(db_, std::string(kExemptionColumns) + "WHERE exemption_id = ?1");
  s.bind(1, id);
  if (!s.executeStep()) return std::nullopt;
  return ReadExemption(s);
}

std::vector<core::Exemption> ExemptionRepository::List(bool with_withdrawn, int limit) {
  SQLite::Statement s(db_, std::string(kExemptionColumns) +
                               (with_withdrawn ? "" : "WHERE withdrawn_at_ms IS NULL ") +
                               "ORDER BY created_at_ms DESC, exemption_id DESC LIMIT ?1");
  s.bind(1, limit);
  return ReadExemptions(s);
}

std::vector<core::Exemption> ExemptionRepository::InForceFrom(date::year_month_day from) {
  SQLite::Statement s(db_, std::string(kExemptionColumns) +
                               "WHERE withdrawn_at_ms IS NULL AND last_day >= ?1 "
                               "ORDER BY created_at_ms, exemption_id");
  s.bind(1, core::FormatDate(from));
  return ReadExemptions(s);
}

}  // namespace pingan::store

namespace pingan::store {

std::vector<core::Exemption> ExemptionRepository::InForceReaching(core::Instant t) {
  // A generous margin, in any zone: the table is small.
  return InForceFrom(date::year_month_day{date::floor<date::days>(t) - date::days{70}});
}

}  // namespace pingan::store

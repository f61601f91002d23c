// ExemptionRepository: the dated exemptions (免报, core/exemption.h) as stored, made and
// withdrawn at run time; never deleted. Thin SQL over one connection; writes run inside
// the caller's transaction. One thread at a time (the writer's connection, or a leased
// read-only one for the reads).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "daemon/store/database.h"

#include "daemon/core/exemption.h"

namespace pingan::store {

class ExemptionRepository {
 public:
  explicit ExemptionRepository(Database& db) : db_(db.sql()) {}

  // False when the id exists already.
  bool Insert(const core::Exemption& e);
  // Marks it withdrawn; false when there is no such exemption or it was withdrawn.
  bool Withdraw(const std::string& id, const std::string& who, core::Instant now);
  std::optional<core::Exemption> Find(const std::string& id);
  // Newest first; `with_withdrawn` false leaves withdrawn ones out.
  std::vector<core::Exemption> List(bool with_withdrawn, int limit);
  // The exemptions not withdrawn whose last day is `from` or later, oldest first: what
  // can still excuse windows covering `from` and after.
  std::vector<core::Exemption> InForceFrom(date::year_month_day from);
  // The exemptions in force that can excuse windows whose grace ends after `t` (their
  // covered dates lie up to two months before: last month's summary due in this one).
  // The sweep and the board read the rule through this one call.
  std::vector<core::Exemption> InForceReaching(core::Instant t);

 private:
  SQLite::Database& db_;
};

}  // namespace pingan::store

#include "daemon/store/report_repository.h"

#include "daemon/core/local_time.h"

namespace pingan::store {
namespace {

constexpr const char* kInsertSql = R"sql(
INSERT INTO reports (report_id, school_id, kind, covers, agent_time_ms, received_at_ms,
  category, severity, occurred_at_ms, injured, dead, missing, needs_leader_attention,
  hazards_found, hazards_rectified, drills_held, incidents)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)
ON CONFLICT (report_id) DO NOTHING)sql";

constexpr const char* kSelectColumns = R"sql(
SELECT report_id, school_id, kind, covers, agent_time_ms, received_at_ms, category, severity,
  occurred_at_ms, injured, dead, missing, needs_leader_attention, hazards_found,
  hazards_rectified, drills_held, incidents FROM reports )sql";

void BindIncident(SQLite::Statement& s, const core::Incident& in) {
  s.bind(7, std::string(core::IncidentCategoryName(in.category)));
  s.bind(8, static_cast<int>(in.severity));
  s.bind(9, static_cast<int64_t>(core::ToUnixMillis(in.occurred_at)));
  s.bind(10, static_cast<int64_t>(in.injured));
  s.bind(11, static_cast<int64_t>(in.dead));
  s.bind(12, static_cast<int64_t>(in.missing));
  s.bind(13, in.needs_leader_attention ? 1 : 0);
}

void BindMonthly(SQLite::Statement& s, const core::MonthlySummary& m) {
  s.bind(14, static_cast<int64_t>(m.hazards_found));
  s.bind(15, static_cast<int64_t>(m.hazards_rectified));
  s.bind(16, static_cast<int64_t>(m.drills_held));
  s.bind(17, static_cast<int64_t>(m.incidents));
}

StoredReport ReadStoredReport(SQLite::Statement& s) {
  StoredReport out;
  core::Report& r = out.report;
  r.report_id = s.getColumn(0).getString();
  r.school_id = s.getColumn(1).getString();
  r.kind = core::ParseReportKind(s.getColumn(2).getString()).value_or(core::ReportKind::kAllClear);
  r.covers = core::ParseDate(s.getColumn(3).getString()).value_or(date::year_month_day{});
  r.agent_time = core::FromUnixMillis(s.getColumn(4).getInt64());
  out.received_at = core::FromUnixMillis(s.getColumn(5).getInt64());
  if (r.kind == core::ReportKind::kIncident) {
    core::Incident in;
    in.category = core::ParseIncidentCategory(s.getColumn(6).getString())
                      .value_or(core::IncidentCategory::kOther);
    in.severity = static_cast<core::Severity>(s.getColumn(7).getInt());
    in.occurred_at = core::FromUnixMillis(s.getColumn(8).getInt64());
    in.injured = static_cast<uint32_t>(s.getColumn(9).getInt64());
    in.dead = static_cast<uint32_t>(s.getColumn(10).getInt64());
    in.missing = static_cast<uint32_t>(s.getColumn(11).getInt64());
    in.needs_leader_attention = s.getColumn(12).getInt() != 0;
    r.incident = in;
  }
  if (r.kind == core::ReportKind::kMonthlySummary) {
    r.monthly = core::MonthlySummary{static_cast<uint32_t>(s.getColumn(13).getInt64()),
                                     static_cast<uint32_t>(s.getColumn(14).getInt64()),
                                     static_cast<uint32_t>(s.getColumn(15).getInt64()),
                                     static_cast<uint32_t>(s.getColumn(16).getInt64())};
  }
  return out;
}

}  // namespace

ReportRepository::ReportRepository(Database& db, core::Millis text_retention)
    : db_(db.sql()),
      text_retention_(text_retention),
      insert_(db_, kInsertSql),
      insert_text_(db_,
                   "INSERT INTO incident_texts (report_id, summary, purge_after_ms) "
                   "VALUES (?1, seal_text(?2), ?3)") {}  // sealed at rest: text_seal.h

bool ReportRepository::ExistingIsOwnedBy(const std::string& report_id,
                                         const std::string& school_id) {
  // Rare (resends and collisions only), so no kept statement.
  SQLite::Statement owner(db_, "SELECT school_id FROM reports WHERE report_id = ?");
  owner.bind(1, report_id);
  return owner.executeStep() && owner.getColumn(0).getString() == school_id;
}

InsertStatus ReportRepository::Insert(const IncomingReport& incoming) {
  const core::Report& r = incoming.report;
  insert_.reset();
  insert_.clearBindings();
  insert_.bind(1, r.report_id);
  insert_.bind(2, r.school_id);
  insert_.bind(3, std::string(core::ReportKindName(r.kind)));
  insert_.bind(4, core::FormatDate(r.covers));
  insert_.bind(5, static_cast<int64_t>(core::ToUnixMillis(r.agent_time)));
  insert_.bind(6, static_cast<int64_t>(core::ToUnixMillis(incoming.received_at)));
  if (r.incident) BindIncident(insert_, *r.incident);
  if (r.monthly) BindMonthly(insert_, *r.monthly);
  if (insert_.exec() == 0)
    return ExistingIsOwnedBy(r.report_id, r.school_id) ? InsertStatus::kDuplicate
                                                       : InsertStatus::kIdTaken;
  if (r.incident) {
    insert_text_.reset();
    insert_text_.bind(1, r.report_id);
    insert_text_.bind(2, r.incident->summary);
    insert_text_.bind(
        3, static_cast<int64_t>(core::ToUnixMillis(incoming.received_at + text_retention_)));
    insert_text_.exec();
  }
  return InsertStatus::kStored;
}

std::optional<StoredReport> ReportRepository::Find(const std::string& report_id) {
  SQLite::Statement s(db_, std::string(kSelectColumns) + "WHERE report_id = ?1");
  s.bind(1, report_id);
  if (!s.executeStep()) return std::nullopt;
  return ReadStoredReport(s);
}

int64_t ReportRepository::Count() {
  return db_.execAndGet("SELECT count(*) FROM reports").getInt64();
}

std::vector<StoredReport> ReportRepository::ForSchool(const std::string& school_id,
                                                      date::year_month_day first,
                                                      date::year_month_day last) {
  SQLite::Statement s(db_, std::string(kSelectColumns) +
                               "WHERE school_id = ?1 AND covers BETWEEN ?2 AND ?3 "
                               "ORDER BY covers, received_at_ms");
  s.bind(1, school_id);
  s.bind(2, core::FormatDate(first));
  s.bind(3, core::FormatDate(last));
  std::vector<StoredReport> out;
  while (s.executeStep()) out.push_back(ReadStoredReport(s));
  return out;
}

std::optional<std::string> ReportRepository::ReadIncidentText(const std::string& report_id) {
  SQLite::Statement s(db_, "SELECT open_text(summary) FROM incident_texts WHERE report_id = ?1");
  s.bind(1, report_id);
  if (!s.executeStep()) return std::nullopt;
  return s.getColumn(0).getString();
}

int ReportRepository::PurgeExpiredText(core::Instant now) {
  SQLite::Statement s(db_, "DELETE FROM incident_texts WHERE purge_after_ms <= ?1");
  s.bind(1, static_cast<int64_t>(core::ToUnixMillis(now)));
  return s.exec();
}

}  // namespace pingan::store

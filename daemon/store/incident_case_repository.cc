#include "daemon/store/incident_case_repository.h"

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include "daemon/core/local_time.h"
#include "daemon/store/sql_values.h"

namespace pingan::store {
namespace {

constexpr const char* kSelectIncidents = R"sql(
SELECT r.report_id, r.school_id, r.covers, r.agent_time_ms, r.received_at_ms, r.category,
  r.severity, r.occurred_at_ms, r.injured, r.dead, r.missing, r.needs_leader_attention,
  c.state, c.owner, c.owner_role, c.assigned_by, c.assigned_at_ms, c.closed_by,
  c.closed_at_ms, c.outcome,
  (SELECT a.alert_id FROM alerts a WHERE a.kind = 'incident' AND a.report_id = r.report_id
   ORDER BY a.created_at_ms LIMIT 1)
FROM reports r LEFT JOIN incident_cases c ON c.report_id = r.report_id
WHERE r.kind = 'incident' )sql";

// The note's purge date is its incident summary's; when that row is gone (purged), the
// date the summary had: received_at + retention.
constexpr const char* kInsertNote = R"sql(
INSERT INTO incident_notes (report_id, seq, at_ms, author, kind, text, purge_after_ms)
SELECT ?1, coalesce((SELECT max(seq) FROM incident_notes WHERE report_id = ?1), 0) + 1,
  ?2, ?3, ?4, seal_text(?5),
  coalesce((SELECT purge_after_ms FROM incident_texts WHERE report_id = ?1),
           (SELECT received_at_ms FROM reports WHERE report_id = ?1) + ?6))sql";

constexpr const char* kUpsertOwner = R"sql(
INSERT INTO incident_cases (report_id, owner, owner_role, assigned_by, assigned_at_ms, state)
VALUES (?1, ?2, ?3, ?4, ?5, 'open')
ON CONFLICT (report_id) DO UPDATE SET owner = excluded.owner,
  owner_role = excluded.owner_role, assigned_by = excluded.assigned_by,
  assigned_at_ms = excluded.assigned_at_ms)sql";

constexpr const char* kInsertOwnerHistory = R"sql(
INSERT INTO incident_case_owners (report_id, seq, owner, owner_role, assigned_by, assigned_at_ms)
SELECT ?1, coalesce((SELECT max(seq) FROM incident_case_owners WHERE report_id = ?1), 0) + 1,
  ?2, ?3, ?4, ?5)sql";

constexpr const char* kUpsertClosed = R"sql(
INSERT INTO incident_cases (report_id, state, closed_by, closed_at_ms, outcome)
VALUES (?1, 'closed', ?2, ?3, ?4)
ON CONFLICT (report_id) DO UPDATE SET state = 'closed', closed_by = excluded.closed_by,
  closed_at_ms = excluded.closed_at_ms, outcome = excluded.outcome)sql";

StoredReport ReadReport(SQLite::Statement& s) {
  StoredReport out;
  core::Report& r = out.report;
  r.report_id = s.getColumn(0).getString();
  r.school_id = s.getColumn(1).getString();
  r.kind = core::ReportKind::kIncident;
  r.covers = core::ParseDate(s.getColumn(2).getString()).value_or(date::year_month_day{});
  r.agent_time = core::FromUnixMillis(s.getColumn(3).getInt64());
  out.received_at = core::FromUnixMillis(s.getColumn(4).getInt64());
  core::Incident in;
  in.category = core::ParseIncidentCategory(s.getColumn(5).getString())
                    .value_or(core::IncidentCategory::kOther);
  in.severity = static_cast<core::Severity>(s.getColumn(6).getInt());
  in.occurred_at = core::FromUnixMillis(s.getColumn(7).getInt64());
  in.injured = static_cast<uint32_t>(s.getColumn(8).getInt64());
  in.dead = static_cast<uint32_t>(s.getColumn(9).getInt64());
  in.missing = static_cast<uint32_t>(s.getColumn(10).getInt64());
  in.needs_leader_attention = s.getColumn(11).getInt() != 0;
  r.incident = in;
  return out;
}

std::optional<IncidentCase> ReadCase(SQLite::Statement& s) {
  if (s.getColumn(12).isNull()) return std::nullopt;
  IncidentCase c;
  c.state = ParseCaseState(s.getColumn(12).getString()).value_or(CaseState::kOpen);
  c.owner = s.getColumn(13).getString();
  c.owner_role = s.getColumn(14).getString();
  c.assigned_by = s.getColumn(15).getString();
  c.assigned_at = ColumnOptionalInstant(s.getColumn(16));
  c.closed_by = s.getColumn(17).getString();
  c.closed_at = ColumnOptionalInstant(s.getColumn(18));
  if (!s.getColumn(19).isNull()) c.outcome = ParseCaseOutcome(s.getColumn(19).getString());
  return c;
}

IncidentRow ReadIncident(SQLite::Statement& s) {
  return IncidentRow{ReadReport(s), ReadCase(s), s.getColumn(20).getString()};
}

}  // namespace

std::string_view CaseStateName(CaseState s) {
  return s == CaseState::kClosed ? "closed" : "open";
}

std::optional<CaseState> ParseCaseState(std::string_view name) {
  if (name == "open") return CaseState::kOpen;
  if (name == "closed") return CaseState::kClosed;
  return std::nullopt;
}

std::string_view CaseOutcomeName(CaseOutcome o) {
  switch (o) {
    case CaseOutcome::kHandled:
      return "handled";
    case CaseOutcome::kFalseReport:
      return "false_report";
    case CaseOutcome::kTransferred:
      return "transferred";
  }
  return "handled";
}

std::optional<CaseOutcome> ParseCaseOutcome(std::string_view name) {
  for (auto o : {CaseOutcome::kHandled, CaseOutcome::kFalseReport, CaseOutcome::kTransferred}) {
    if (CaseOutcomeName(o) == name) return o;
  }
  return std::nullopt;
}

std::string_view NoteKindName(NoteKind k) {
  return k == NoteKind::kClosure ? "closure" : "note";
}

IncidentCaseRepository::IncidentCaseRepository(Database& db, core::Millis text_retention)
    : db_(db.sql()), text_retention_(text_retention) {}

std::vector<IncidentRow> IncidentCaseRepository::List(const IncidentFilter& filter) {
  std::string sql = kSelectIncidents;
  if (!filter.school_id.empty()) sql += "AND r.school_id = ?1 ";
  if (filter.state) sql += "AND coalesce(c.state, 'open') = ?2 ";
  sql += "ORDER BY r.received_at_ms DESC, r.report_id DESC LIMIT ?3";
  SQLite::Statement s(db_, sql);
  if (!filter.school_id.empty()) s.bind(1, filter.school_id);
  if (filter.state) s.bind(2, std::string(CaseStateName(*filter.state)));
  s.bind(3, filter.limit);
  std::vector<IncidentRow> out;
  while (s.executeStep()) out.push_back(ReadIncident(s));
  return out;
}

std::optional<IncidentRow> IncidentCaseRepository::Find(const std::string& report_id) {
  SQLite::Statement s(db_, std::string(kSelectIncidents) + "AND r.report_id = ?1");
  s.bind(1, report_id);
  if (!s.executeStep()) return std::nullopt;
  return ReadIncident(s);
}

std::vector<CaseAssignment> IncidentCaseRepository::Assignments(const std::string& report_id) {
  SQLite::Statement s(db_,
                      "SELECT owner, owner_role, assigned_by, assigned_at_ms "
                      "FROM incident_case_owners WHERE report_id = ?1 ORDER BY seq");
  s.bind(1, report_id);
  std::vector<CaseAssignment> out;
  while (s.executeStep()) {
    out.push_back(CaseAssignment{s.getColumn(0).getString(), s.getColumn(1).getString(),
                                 s.getColumn(2).getString(),
                                 core::FromUnixMillis(s.getColumn(3).getInt64())});
  }
  return out;
}

std::vector<CaseNote> IncidentCaseRepository::Notes(const std::string& report_id) {
  SQLite::Statement s(db_,
                      "SELECT seq, at_ms, author, kind, open_text(text) FROM incident_notes "
                      "WHERE report_id = ?1 ORDER BY seq");
  s.bind(1, report_id);
  std::vector<CaseNote> out;
  while (s.executeStep()) {
    CaseNote n;
    n.seq = s.getColumn(0).getInt();
    n.at = core::FromUnixMillis(s.getColumn(1).getInt64());
    n.author = s.getColumn(2).getString();
    n.kind = s.getColumn(3).getString() == "closure" ? NoteKind::kClosure : NoteKind::kNote;
    if (!s.getColumn(4).isNull()) n.text = s.getColumn(4).getString();
    out.push_back(std::move(n));
  }
  return out;
}

CaseChange IncidentCaseRepository::Check(const std::string& report_id) {
  SQLite::Statement s(db_,
                      "SELECT c.state FROM reports r LEFT JOIN incident_cases c "
                      "ON c.report_id = r.report_id "
                      "WHERE r.report_id = ?1 AND r.kind = 'incident'");
  s.bind(1, report_id);
  if (!s.executeStep()) return CaseChange::kNotFound;
  if (!s.getColumn(0).isNull() && s.getColumn(0).getString() == "closed") {
    return CaseChange::kClosed;
  }
  return CaseChange::kDone;
}

CaseChange IncidentCaseRepository::Assign(const std::string& report_id, const CaseAssignment& a) {
  if (const CaseChange c = Check(report_id); c != CaseChange::kDone) return c;
  for (const char* sql : {kUpsertOwner, kInsertOwnerHistory}) {
    SQLite::Statement s(db_, sql);
    s.bind(1, report_id);
    s.bind(2, a.owner);
    s.bind(3, a.owner_role);
    s.bind(4, a.assigned_by);
    s.bind(5, Ms(a.at));
    s.exec();
  }
  return CaseChange::kDone;
}

void IncidentCaseRepository::AppendNote(const std::string& report_id, const std::string& author,
                                        NoteKind kind, const std::string& text, core::Instant now) {
  SQLite::Statement s(db_, kInsertNote);
  s.bind(1, report_id);
  s.bind(2, Ms(now));
  s.bind(3, author);
  s.bind(4, std::string(NoteKindName(kind)));
  s.bind(5, text);
  s.bind(6, static_cast<int64_t>(text_retention_.count()));
  s.exec();
}

CaseChange IncidentCaseRepository::AddNote(const std::string& report_id, const std::string& author,
                                           const std::string& text, core::Instant now) {
  if (const CaseChange c = Check(report_id); c != CaseChange::kDone) return c;
  AppendNote(report_id, author, NoteKind::kNote, text, now);
  return CaseChange::kDone;
}

CaseChange IncidentCaseRepository::Close(const std::string& report_id, CaseOutcome outcome,
                                         const std::string& by, const std::string& comment,
                                         core::Instant now) {
  if (const CaseChange c = Check(report_id); c != CaseChange::kDone) return c;
  SQLite::Statement s(db_, kUpsertClosed);
  s.bind(1, report_id);
  s.bind(2, by);
  s.bind(3, Ms(now));
  s.bind(4, std::string(CaseOutcomeName(outcome)));
  s.exec();
  if (!comment.empty()) AppendNote(report_id, by, NoteKind::kClosure, comment, now);
  return CaseChange::kDone;
}

int IncidentCaseRepository::PurgeExpiredText(core::Instant now) {
  SQLite::Statement s(db_,
                      "UPDATE incident_notes SET text = NULL, purge_after_ms = NULL "
                      "WHERE purge_after_ms IS NOT NULL AND purge_after_ms <= ?1");
  s.bind(1, Ms(now));
  return s.exec();
}

PurgedText PurgeIncidentText(Database& db, core::Instant now) {
  PurgedText out;
  out.summaries = ReportRepository(db, core::Millis{0}).PurgeExpiredText(now);
  out.notes = IncidentCaseRepository(db, core::Millis{0}).PurgeExpiredText(now);
  return out;
}

CaseChange ApplyCaseChange(Database& db, core::Millis text_retention, core::Instant now,
                           const CaseChangeFn& change, AuditEntry audit) {
  SQLite::Transaction tx(db.sql());
  IncidentCaseRepository cases(db, text_retention);
  const CaseChange done = change(cases, now);
  if (done != CaseChange::kDone) return done;
  audit.at = now;
  AppendAudit(db, audit);
  tx.commit();
  return done;
}

}  // namespace pingan::store

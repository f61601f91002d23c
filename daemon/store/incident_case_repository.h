// IncidentCaseRepository: the handling of incident reports (包案) as rows — one case per
// incident (owner, closure), the history of its owners, and follow-up notes — plus the
// incident list the duty console shows. Thin SQL over one connection, one thread at a
// time; writes run inside the caller's transaction (the StoreWriter thread).
//
// Note text (follow-up notes and closing comments) may name people: it is protected
// like the incident summary. Notes() returns it, so callers must check the reader's
// scope and write an audit entry, and must never log it. Each note shares its
// incident's purge date (the summary's, i.e. received_at + incident_text_retention_days),
// so one purge pass (PurgeIncidentText) removes an incident's free text all together.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/core/clock.h"
#include "daemon/store/audit_log.h"
#include "daemon/store/database.h"
#include "daemon/store/report_repository.h"

namespace pingan::store {

enum class CaseState { kOpen, kClosed };
// The closed set of ways a case ends: handled (办结), false_report (虚报: the report
// proved untrue), transferred (移交: handed to another authority, e.g. the police).
enum class CaseOutcome { kHandled, kFalseReport, kTransferred };
enum class NoteKind { kNote, kClosure };

std::string_view CaseStateName(CaseState s);  // "open", "closed"
std::optional<CaseState> ParseCaseState(std::string_view name);
std::string_view CaseOutcomeName(CaseOutcome o);  // "handled", "false_report", "transferred"
std::optional<CaseOutcome> ParseCaseOutcome(std::string_view name);
std::string_view NoteKindName(NoteKind k);  // "note", "closure"

struct IncidentCase {
  std::string owner;       // the official in charge (包案人); "" when never assigned
  std::string owner_role;  // e.g. 分管副局长; "" when not given
  std::string assigned_by;
  std::optional<core::Instant> assigned_at;
  CaseState state = CaseState::kOpen;
  std::string closed_by;
  std::optional<core::Instant> closed_at;
  std::optional<CaseOutcome> outcome;  // set once closed
};

struct CaseAssignment {
  std::string owner;
  std::string owner_role;
  std::string assigned_by;
  core::Instant at{};
};

struct CaseNote {
  int seq = 0;
  core::Instant at{};
  std::string author;
  NoteKind kind = NoteKind::kNote;
  std::optional<std::string> text;  // protected; nullopt once purged
};

// One incident report with its case, without any free text.
struct IncidentRow {
  StoredReport report;                   // incident->summary left empty
  std::optional<IncidentCase> the_case;  // nullopt: nobody assigned and not closed
  std::string alert_id;                  // the report's incident alert; "" when none
};

struct IncidentFilter {
  std::optional<CaseState> state;  // kOpen also matches incidents without a case
  std::string school_id;           // empty: all
  int limit = 100;
};

// What a change did. kNotFound: no incident report with that id; kClosed: the case is
// closed and takes no more changes.
enum class CaseChange { kDone, kNotFound, kClosed };

class IncidentCaseRepository {
 public:
  // `text_retention`: used for a note's purge date only when its incident's summary row
  // is gone (then received_at + retention, as the summary had).
  IncidentCaseRepository(Database& db, core::Millis text_retention);

  // Incident reports newest first (by received_at).
  std::vector<IncidentRow> List(const IncidentFilter& filter);
  // nullopt when `report_id` is not an incident report.
  std::optional<IncidentRow> Find(const std::string& report_id);
  // Owners of the case, oldest first.
  std::vector<CaseAssignment> Assignments(const std::string& report_id);
  // Protected (see above). Oldest first.
  std::vector<CaseNote> Notes(const std::string& report_id);

  // Makes `owner` the case owner (a reassignment keeps the earlier owners' history).
  CaseChange Assign(const std::string& report_id, const CaseAssignment& assignment);
  CaseChange AddNote(const std::string& report_id, const std::string& author,
                     const std::string& text, core::Instant now);
  // Closes the case; a non-empty `comment` is kept as a note of kind kClosure.
  CaseChange Close(const std::string& report_id, CaseOutcome outcome, const std::string& by,
                   const std::string& comment, core::Instant now);

  // Removes the text of notes whose purge date is at or before `now` (author and time
  // stay); returns the notes purged.
  int PurgeExpiredText(core::Instant now);

 private:
  // The case's state for a change: kNotFound, kClosed, or kDone when it may change.
  CaseChange Check(const std::string& report_id);
  void AppendNote(const std::string& report_id, const std::string& author, NoteKind kind,
                  const std::string& text, core::Instant now);

  SQLite::Database& db_;
  core::Millis text_retention_;
};

struct PurgedText {
  int summaries = 0;
  int notes = 0;
};

// One purge pass over all protected incident text whose retention ended at or before
// `now`: summaries and notes together. Run it inside a transaction on the writer.
PurgedText PurgeIncidentText(Database& db, core::Instant now);

// Writer thread: in one transaction, applies `change` to the case as it is at `now` and,
// when it was done, appends `audit` (its time set to `now`). Returns what the change
// did; nothing is written unless kDone.
using CaseChangeFn = std::function<CaseChange(IncidentCaseRepository&, core::Instant now)>;
CaseChange ApplyCaseChange(Database& db, core::Millis text_retention, core::Instant now,
                           const CaseChangeFn& change, AuditEntry audit);

}  // namespace pingan::store

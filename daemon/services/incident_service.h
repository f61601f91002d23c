// IncidentService: the typed queries and changes on the handling of incident reports
// (包案: a case owner, follow-up notes, closure), shared by the control socket
// (incident_commands.cc), the HTTP API (api/incident_route.cc) and the live-update
// events (app/http_api.cc):
//
//   List     newest first, facts and case only, never free text
//   Find     one incident's facts and case (no free text); FindMany for several
//   Details  the same plus the owner history and the notes; the texts of the notes and
//            the summary only when asked for
//   Assign   names (or replaces) the case owner
//   AddNote  a follow-up note (protected text, <= kMaxNoteBytes)
//   Close    handled | false_report | transferred, with an optional comment
//
// Errors throw services::ControlError: not_found (no incident report with that id),
// refused (the case is closed), bad_request (malformed input). Texts are trimmed and
// must be valid UTF-8 of bounded length; messages never quote them (they may be
// protected).
//
// Details does not audit: a caller that shows note texts or the summary to a person
// must check that person's scope first and audit the read (the HTTP route does).
//
// Threading: methods run on a read-pool worker, several at once (never on the io
// thread); reads lease a connection of the shared read-only pool. Changes are checked
// at once against the current rows and then posted to the StoreWriter (the only
// writer), which applies them again to the rows as they are then, with an audit entry
// ("incident.assign", "incident.note", "incident.close"; never the note text), in one
// transaction; they are visible to reads once that job ran.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "daemon/config/schedule_bundle.h"
#include "daemon/core/clock.h"
#include "daemon/store/incident_case_repository.h"
#include "daemon/store/read_connections.h"
#include "daemon/store/store_writer.h"

namespace pingan::services {

// Longest follow-up note or closing comment, in bytes of UTF-8.
inline constexpr size_t kMaxNoteBytes = 4000;
// Longest case owner name or role, in bytes of UTF-8.
inline constexpr size_t kMaxOwnerBytes = 200;

struct IncidentServiceContext {
  const core::Clock& clock;
  store::ReadPool reads;  // read-only connections, shared
  store::StoreWriter& writer;
  const config::ScheduleSource& schedules;
  // incident_text_retention_days: notes share their incident summary's purge date.
  core::Millis text_retention;
};

struct IncidentQuery {
  std::optional<store::CaseState> state;  // kOpen also matches incidents without a case
  std::string school_id;                  // empty: all
  int limit = 100;
};
// The query with its state parsed from text ("" = any); bad_request otherwise.
IncidentQuery ParseIncidentQuery(const std::string& state);

// One incident with the details of its case. The texts (`summary`, each note's text)
// are present only when asked for (`with_text`); the summary is nullopt once purged.
struct IncidentDetail {
  store::IncidentRow row;
  std::vector<store::CaseAssignment> assignments;  // oldest first
  std::vector<store::CaseNote> notes;              // oldest first; text only with_text
  bool with_text = false;
  std::optional<std::string> summary;
};

struct AssignRequest {
  std::string id;
  std::string who;
  std::string owner;
  std::string owner_role;  // "" when not given
};
struct NoteRequest {
  std::string id;
  std::string who;
  std::string text;
};
struct CloseRequest {
  std::string id;
  std::string who;
  store::CaseOutcome outcome = store::CaseOutcome::kHandled;
  std::string comment;  // "" when none
};
// handled | false_report | transferred; bad_request otherwise.
store::CaseOutcome ParseCloseOutcome(const std::string& text);

class IncidentService {
 public:
  explicit IncidentService(IncidentServiceContext context) : c_(std::move(context)) {}

  std::vector<store::IncidentRow> List(const IncidentQuery& query) const;
  store::IncidentRow Find(const std::string& id) const;
  // Those of `ids` that are incident reports, on one connection (unknown ids skipped).
  std::vector<store::IncidentRow> FindMany(const std::vector<std::string>& ids) const;
  IncidentDetail Details(store::IncidentRow row, bool with_text) const;
  IncidentDetail Show(const std::string& id, bool with_text) const {
    return Details(Find(id), with_text);
  }
  // Each returns the request as accepted (texts trimmed).
  AssignRequest Assign(AssignRequest request) const;
  NoteRequest AddNote(NoteRequest request) const;
  CloseRequest Close(CloseRequest request) const;

  // The organisation the JSON views name schools from.
  const config::ScheduleSource& schedules() const { return c_.schedules; }

 private:
  using Change = std::function<store::CaseChange(store::IncidentCaseRepository&, core::Instant)>;
  // Refuses at once what the current rows refuse (the writer checks again later).
  void CheckChangeable(const std::string& id) const;
  void ApplyLater(const std::string& id, const std::string& who, const std::string& action,
                  const std::string& detail, Change change) const;

  IncidentServiceContext c_;
};

}  // namespace pingan::services

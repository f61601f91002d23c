#include "daemon/services/incident_service.h"

#include <spdlog/spdlog.h>

#include "daemon/core/text.h"
#include "daemon/services/control_server.h"
#include "daemon/store/database.h"

namespace pingan::services {
namespace {

// `raw` trimmed, valid UTF-8 of at most `max_bytes`; bad_request naming `key`
// otherwise (or when empty and `required`). Messages never quote the text.
std::string CheckedText(const std::string& raw, const char* key, size_t max_bytes, bool required) {
  std::string text(core::TrimSpace(raw));
  if (required && text.empty())
    throw ControlError("bad_request", std::string("'") + key + "' must not be empty");
  if (!core::IsValidUtf8(text))
    throw ControlError("bad_request", std::string("'") + key + "' is not valid UTF-8");
  if (text.size() > max_bytes) {
    throw ControlError("bad_request", std::string("'") + key + "' is longer than " +
                                          std::to_string(max_bytes) + " bytes");
  }
  return text;
}

}  // namespace

IncidentQuery ParseIncidentQuery(const std::string& state) {
  IncidentQuery q;
  if (!state.empty()) {
    q.state = store::ParseCaseState(state);
    if (!q.state) throw ControlError("bad_request", "state must be open or closed");
  }
  return q;
}

store::CaseOutcome ParseCloseOutcome(const std::string& text) {
  const auto outcome = store::ParseCaseOutcome(text);
  if (!outcome) {
    throw ControlError("bad_request", "outcome must be handled, false_report or transferred");
  }
  return *outcome;
}

std::vector<store::IncidentRow> IncidentService::List(const IncidentQuery& query) const {
  store::IncidentFilter filter;
  filter.state = query.state;
  filter.school_id = query.school_id;
  filter.limit = query.limit;
  auto db = c_.reads.Acquire();
  return store::IncidentCaseRepository(db, c_.text_retention).List(filter);
}

store::IncidentRow IncidentService::Find(const std::string& id) const {
  auto db = c_.reads.Acquire();
  auto row = store::IncidentCaseRepository(db, c_.text_retention).Find(id);
  if (!row) throw ControlError("not_found", "no incident report " + id);
  return std::move(*row);
}

std::vector<store::IncidentRow> IncidentService::FindMany(
    const std::vector<std::string>& ids) const {
  auto db = c_.reads.Acquire();
  store::IncidentCaseRepository cases(db, c_.text_retention);
  std::vector<store::IncidentRow> out;
  for (const std::string& id : ids) {
    if (auto row = cases.Find(id)) out.push_back(std::move(*row));
  }
  return out;
}

IncidentDetail IncidentService::Details(store::IncidentRow row, bool with_text) const {
  IncidentDetail d;
  d.row = std::move(row);
  d.with_text = with_text;
  const std::string& id = d.row.report.report.report_id;
  auto db = c_.reads.Acquire();
  store::IncidentCaseRepository cases(db, c_.text_retention);
  if (d.row.the_case) d.assignments = cases.Assignments(id);
  d.notes = cases.Notes(id);
  if (with_text) {
    d.summary = store::ReportRepository(db, c_.text_retention).ReadIncidentText(id);
  } else {
    for (store::CaseNote& n : d.notes) n.text.reset();
  }
  return d;
}

void IncidentService::CheckChangeable(const std::string& id) const {
  const store::IncidentRow row = Find(id);
  if (row.the_case && row.the_case->state == store::CaseState::kClosed) {
    throw ControlError("refused", "the case of incident " + id + " is closed");
  }
}

void IncidentService::ApplyLater(const std::string& id, const std::string& who,
                                 const std::string& action, const std::string& detail,
                                 Change change) const {
  c_.writer.Post([id, who, action, detail, change = std::move(change), &clock = c_.clock,
                  retention = c_.text_retention](store::Database& db) {
    const store::CaseChange done = store::ApplyCaseChange(db, retention, clock.Now(), change,
                                                          {{}, "user:" + who, action, id, detail});
    if (done != store::CaseChange::kDone) {
      spdlog::warn("incident {}: {} not applied: {}", id, action,
                   done == store::CaseChange::kClosed ? "the case is closed" : "no such incident");
    }
  });
}

AssignRequest IncidentService::Assign(AssignRequest r) const {
  r.who = CheckedText(r.who, "who", kMaxOwnerBytes, true);
  r.owner = CheckedText(r.owner, "owner", kMaxOwnerBytes, true);
  r.owner_role = CheckedText(r.owner_role, "owner_role", kMaxOwnerBytes, false);
  CheckChangeable(r.id);
  ApplyLater(r.id, r.who, "incident.assign",
             r.owner_role.empty() ? r.owner : r.owner + " (" + r.owner_role + ")",
             [r](store::IncidentCaseRepository& cases, core::Instant now) {
               return cases.Assign(r.id, {r.owner, r.owner_role, r.who, now});
             });
  return r;
}

NoteRequest IncidentService::AddNote(NoteRequest r) const {
  r.who = CheckedText(r.who, "who", kMaxOwnerBytes, true);
  r.text = CheckedText(r.text, "text", kMaxNoteBytes, true);
  CheckChangeable(r.id);
  ApplyLater(r.id, r.who, "incident.note", "",
             [r](store::IncidentCaseRepository& cases, core::Instant now) {
               return cases.AddNote(r.id, r.who, r.text, now);
             });
  return r;
}

CloseRequest IncidentService::Close(CloseRequest r) const {
  r.who = CheckedText(r.who, "who", kMaxOwnerBytes, true);
  r.comment = CheckedText(r.comment, "comment", kMaxNoteBytes, false);
  CheckChangeable(r.id);
  ApplyLater(r.id, r.who, "incident.close", std::string(store::CaseOutcomeName(r.outcome)),
             [r](store::IncidentCaseRepository& cases, core::Instant now) {
               return cases.Close(r.id, r.outcome, r.who, r.comment, now);
             });
  return r;
}

}  // namespace pingan::services

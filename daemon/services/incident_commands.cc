#include "daemon/services/incident_commands.h"

#include <spdlog/spdlog.h>

#include <SQLiteCpp/Transaction.h>

#include "daemon/core/local_time.h"
#include "daemon/core/report.h"
#include "daemon/core/text.h"
#include "daemon/services/query_support.h"
#include "daemon/store/audit_log.h"
#include "daemon/store/database.h"
#include "daemon/store/incident_case_repository.h"

namespace pingan::services {
namespace {

using nlohmann::json;

json OrNull(const std::string& s) {
  return s.empty() ? json() : json(s);
}

// args[key] trimmed, valid UTF-8 of at most `max_bytes`; "" when absent and optional.
// Messages never quote the text: it may be protected.
std::string CheckedText(const json& args, const char* key, size_t max_bytes, bool required) {
  const std::string raw = TextArg(args, key, required);
  const std::string text(core::TrimSpace(raw));
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

json CaseSummary(const store::IncidentCase& c) {
  return json{{"owner", OrNull(c.owner)},
              {"owner_role", OrNull(c.owner_role)},
              {"state", store::CaseStateName(c.state)},
              {"assigned_at", TimeOrNull(c.assigned_at)},
              {"closed_at", TimeOrNull(c.closed_at)},
              {"outcome", c.outcome ? json(store::CaseOutcomeName(*c.outcome)) : json()}};
}

// The facts of the incident and its case: no free text.
json IncidentSummary(const store::IncidentRow& row, const config::ScheduleSource& schedules) {
  json out = IncidentFactsJson(schedules.Get().get(), row.report);
  out["alert_id"] = OrNull(row.alert_id);
  out["case"] = row.the_case ? CaseSummary(*row.the_case) : json();
  return out;
}

json ListIncidents(const IncidentCommandContext& c, const json& args) {
  store::IncidentFilter filter;
  if (const std::string s = TextArg(args, "state"); !s.empty()) {
    filter.state = store::ParseCaseState(s);
    if (!filter.state) throw ControlError("bad_request", "state must be open or closed");
  }
  filter.school_id = TextArg(args, "school");
  filter.limit = IntArg(args, "limit", 100, 1, 10000);
  auto db = c.reads.Acquire();
  json out = json::array();
  for (const auto& row : store::IncidentCaseRepository(db.sql(), c.text_retention).List(filter)) {
    out.push_back(IncidentSummary(row, c.schedules));
  }
  return out;
}

json ShowIncident(const IncidentCommandContext& c, const json& args) {
  const std::string id = TextArg(args, "id", true);
  const json with = args.value("with_text", json(false));
  if (!with.is_boolean()) throw ControlError("bad_request", "'with_text' must be true or false");
  const bool with_text = with.get<bool>();
  auto db = c.reads.Acquire();
  store::IncidentCaseRepository cases(db.sql(), c.text_retention);
  const auto row = cases.Find(id);
  if (!row) throw ControlError("not_found", "no incident report " + id);
  json out = IncidentSummary(*row, c.schedules);
  if (row->the_case) {
    json& details = out["case"];
    details["assigned_by"] = OrNull(row->the_case->assigned_by);
    details["closed_by"] = OrNull(row->the_case->closed_by);
    json owners = json::array();
    for (const store::CaseAssignment& a : cases.Assignments(id)) {
      owners.push_back({{"owner", a.owner},
                        {"owner_role", OrNull(a.owner_role)},
                        {"assigned_by", a.assigned_by},
                        {"at", core::FormatInstantUtc(a.at)}});
    }
    details["assignments"] = owners;
  }
  json notes = json::array();
  for (const store::CaseNote& n : cases.Notes(id)) {
    notes.push_back({{"at", core::FormatInstantUtc(n.at)},
                     {"author", n.author},
                     {"kind", store::NoteKindName(n.kind)},
                     {"text", with_text && n.text ? json(*n.text) : json()}});
  }
  out["notes"] = notes;
  if (with_text) {
    auto summary = store::ReportRepository(db.sql(), c.text_retention).ReadIncidentText(id);
    out["summary"] = summary ? json(*summary) : json();  // null once purged
  }
  return out;
}

// Refuses at once what the current rows refuse (the writer checks again later).
void CheckChangeable(const IncidentCommandContext& c, const std::string& id) {
  auto db = c.reads.Acquire();
  const auto row = store::IncidentCaseRepository(db.sql(), c.text_retention).Find(id);
  if (!row) throw ControlError("not_found", "no incident report " + id);
  if (row->the_case && row->the_case->state == store::CaseState::kClosed) {
    throw ControlError("refused", "the case of incident " + id + " is closed");
  }
}

using Change = std::function<store::CaseChange(store::IncidentCaseRepository&, core::Instant)>;

// Writer thread: applies `change` to the rows as they are now and audits it, together.
void ApplyLater(const IncidentCommandContext& c, const std::string& id, const std::string& who,
                const std::string& action, const std::string& detail, Change change) {
  c.writer.Post([id, who, action, detail, change = std::move(change), &clock = c.clock,
                 retention = c.text_retention](store::Database& db) {
    SQLite::Transaction tx(db.sql());
    store::IncidentCaseRepository cases(db.sql(), retention);
    const core::Instant now = clock.Now();
    const store::CaseChange done = change(cases, now);
    if (done != store::CaseChange::kDone) {
      spdlog::warn("incident {}: {} not applied: {}", id, action,
                   done == store::CaseChange::kClosed ? "the case is closed" : "no such incident");
      return;
    }
    store::AppendAudit(db.sql(), {now, "user:" + who, action, id, detail});
    tx.commit();
  });
}

json Assign(const IncidentCommandContext& c, const json& args) {
  const std::string id = TextArg(args, "id", true);
  const std::string who = CheckedText(args, "who", kMaxOwnerBytes, true);
  const std::string owner = CheckedText(args, "owner", kMaxOwnerBytes, true);
  const std::string role = CheckedText(args, "owner_role", kMaxOwnerBytes, false);
  CheckChangeable(c, id);
  ApplyLater(c, id, who, "incident.assign", role.empty() ? owner : owner + " (" + role + ")",
             [id, owner, role, who](store::IncidentCaseRepository& cases, core::Instant now) {
               return cases.Assign(id, {owner, role, who, now});
             });
  return json{{"accepted", true},
              {"report_id", id},
              {"state", "open"},
              {"owner", owner},
              {"owner_role", OrNull(role)}};
}

json AddNote(const IncidentCommandContext& c, const json& args) {
  const std::string id = TextArg(args, "id", true);
  const std::string who = CheckedText(args, "who", kMaxOwnerBytes, true);
  const std::string text = CheckedText(args, "text", kMaxNoteBytes, true);
  CheckChangeable(c, id);
  ApplyLater(c, id, who, "incident.note", "",
             [id, who, text](store::IncidentCaseRepository& cases, core::Instant now) {
               return cases.AddNote(id, who, text, now);
             });
  return json{{"accepted", true}, {"report_id", id}};
}

json Close(const IncidentCommandContext& c, const json& args) {
  const std::string id = TextArg(args, "id", true);
  const std::string who = CheckedText(args, "who", kMaxOwnerBytes, true);
  const std::string outcome_text = TextArg(args, "outcome", true);
  const auto outcome = store::ParseCaseOutcome(outcome_text);
  if (!outcome) {
    throw ControlError("bad_request", "outcome must be handled, false_report or transferred");
  }
  const std::string comment = CheckedText(args, "comment", kMaxNoteBytes, false);
  CheckChangeable(c, id);
  ApplyLater(c, id, who, "incident.close", outcome_text,
             [id, who, comment, outcome = *outcome](store::IncidentCaseRepository& cases,
                                                    core::Instant now) {
               return cases.Close(id, outcome, who, comment, now);
             });
  return json{
      {"accepted", true}, {"report_id", id}, {"state", "closed"}, {"outcome", outcome_text}};
}

}  // namespace

void RegisterIncidentCommands(ControlServer& server, const IncidentCommandContext& context) {
  // The context is copied into each handler; its references outlive the server.
  server.Register("incidents",
                  [context](const json& args) { return ListIncidents(context, args); });
  server.Register("incident.show",
                  [context](const json& args) { return ShowIncident(context, args); });
  server.Register("incident.assign", [context](const json& args) { return Assign(context, args); });
  server.Register("incident.note", [context](const json& args) { return AddNote(context, args); });
  server.Register("incident.close", [context](const json& args) { return Close(context, args); });
}

}  // namespace pingan::services

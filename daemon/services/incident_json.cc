#include "daemon/services/incident_json.h"

#include "daemon/core/local_time.h"
#include "daemon/core/report.h"
#include "daemon/services/query_support.h"

namespace pingan::services {
namespace {

using nlohmann::json;

json OrNull(const std::string& s) {
  return s.empty() ? json() : json(s);
}

json CaseJson(const store::IncidentCase& c) {
  return json{{"owner", OrNull(c.owner)},
              {"owner_role", OrNull(c.owner_role)},
              {"state", store::CaseStateName(c.state)},
              {"assigned_at", TimeOrNull(c.assigned_at)},
              {"closed_at", TimeOrNull(c.closed_at)},
              {"outcome", c.outcome ? json(store::CaseOutcomeName(*c.outcome)) : json()}};
}

}  // namespace

json IncidentFactsJson(const config::ScheduleBundle* b, const store::StoredReport& stored) {
  const core::Report& r = stored.report;
  const core::Incident& i = *r.incident;
  return json{{"report_id", r.report_id},
              {"school_id", r.school_id},
              {"school_name", UnitName(b, r.school_id)},
              {"covers", core::FormatDate(r.covers)},
              {"received_at", core::FormatInstantUtc(stored.received_at)},
              {"category", core::IncidentCategoryName(i.category)},
              {"severity", core::SeverityName(i.severity)},
              {"occurred_at", core::FormatInstantUtc(i.occurred_at)},
              {"injured", i.injured},
              {"dead", i.dead},
              {"missing", i.missing},
              {"needs_leader_attention", i.needs_leader_attention}};
}

json IncidentSummaryJson(const store::IncidentRow& row, const config::ScheduleBundle* bundle) {
  json out = IncidentFactsJson(bundle, row.report);
  out["alert_id"] = OrNull(row.alert_id);
  out["case"] = row.the_case ? CaseJson(*row.the_case) : json();
  return out;
}

json IncidentListJson(const std::vector<store::IncidentRow>& rows,
                      const config::ScheduleBundle* bundle) {
  json out = json::array();
  for (const store::IncidentRow& row : rows) out.push_back(IncidentSummaryJson(row, bundle));
  return out;
}

json IncidentDetailJson(const IncidentDetail& d, const config::ScheduleBundle* bundle) {
  json out = IncidentSummaryJson(d.row, bundle);
  if (d.row.the_case) {
    json& details = out["case"];
    details["assigned_by"] = OrNull(d.row.the_case->assigned_by);
    details["closed_by"] = OrNull(d.row.the_case->closed_by);
    json owners = json::array();
    for (const store::CaseAssignment& a : d.assignments) {
      owners.push_back({{"owner", a.owner},
                        {"owner_role", OrNull(a.owner_role)},
                        {"assigned_by", a.assigned_by},
                        {"at", core::FormatInstantUtc(a.at)}});
    }
    details["assignments"] = owners;
  }
  json notes = json::array();
  for (const store::CaseNote& n : d.notes) {
    notes.push_back({{"at", core::FormatInstantUtc(n.at)},
                     {"author", n.author},
                     {"kind", store::NoteKindName(n.kind)},
                     {"text", d.with_text && n.text ? json(*n.text) : json()}});
  }
  out["notes"] = notes;
  if (d.with_text) out["summary"] = d.summary ? json(*d.summary) : json();  // null once purged
  return out;
}

json IncidentEventJson(const store::IncidentRow& row) {
  const auto& the_case = row.the_case;
  return json{{"report_id", row.report.report.report_id},
              {"school_id", row.report.report.school_id},
              {"case_state", the_case ? store::CaseStateName(the_case->state) : "open"},
              {"owner", the_case ? OrNull(the_case->owner) : json()}};
}

json AssignAcceptedJson(const AssignRequest& r) {
  return json{{"accepted", true},
              {"report_id", r.id},
              {"state", "open"},
              {"owner", r.owner},
              {"owner_role", OrNull(r.owner_role)}};
}

json NoteAcceptedJson(const NoteRequest& r) {
  return json{{"accepted", true}, {"report_id", r.id}};
}

json CloseAcceptedJson(const CloseRequest& r) {
  return json{{"accepted", true},
              {"report_id", r.id},
              {"state", "closed"},
              {"outcome", store::CaseOutcomeName(r.outcome)}};
}

}  // namespace pingan::services

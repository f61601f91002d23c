// Incident routes and the audit log:
//
//   GET  /api/v1/incidents?state=&school=&limit=     the incident list
//   GET  /api/v1/incidents/{report_id}               facts, case, owner history, notes
//   POST /api/v1/incidents/{report_id}/assign {owner, owner_role?}   case owner (包案)
//   POST /api/v1/incidents/{report_id}/notes  {text}                 follow-up note
//   POST /api/v1/incidents/{report_id}/close  {outcome, comment?}    closure (办结)
//   GET  /api/v1/audit?limit=                        the audit log, newest first
//
// The incident routes call services::IncidentService (ApiBackend::incidents) and answer
// through its JSON view (incident_json.h), as pinganctl's commands do. Free text (the
// summary, note texts, closing comments) reaches only roles allowed to read it, each
// read written to the audit log ("incident.text.read"). Leaders see and act only inside
// their subtree: anything else answers 404, as if it did not exist, and their scope is
// checked before any text is read. The routes run on the read pool; the audit log is
// read from a leased read-only connection (WAL: beside the writer).
#include "daemon/api/api_context.h"
#include "daemon/api/service_errors.h"
#include "daemon/core/local_time.h"
#include "daemon/services/incident_json.h"
#include "daemon/services/incident_service.h"
#include "daemon/store/audit_log.h"
#include "daemon/store/database.h"
#include "daemon/store/read_connections.h"

namespace pingan::api {
namespace {

using nlohmann::json;

// The incident's facts and case, or 404 when it does not exist or lies outside a
// leader's subtree.
store::IncidentRow VisibleIncident(const ApiContext& api, const console::Principal& p,
                                   const std::string& id) {
  store::IncidentRow row = CallService([&] { return api.incidents().Find(id); });
  if (!api.Visible(p, row.report.report.school_id)) {
    throw console::ApiError(404, "not_found", "no incident report " + id);
  }
  return row;
}

console::Response Show(const ApiContext& api, const console::RouteContext& c) {
  const std::string id = c.params.at("report_id");
  const bool with_text =
      console::RoleHas(c.principal->role, console::Permission::kReadIncidentText);
  const services::IncidentDetail detail = CallService(
      [&] { return api.incidents().Details(VisibleIncident(api, *c.principal, id), with_text); });
  if (with_text) api.auth.Audit(c.principal->Actor(), "incident.text.read", id, "");
  const config::SharedSchedule names = api.incidents().schedules().Get();
  return console::JsonResponse(200, services::IncidentDetailJson(detail, names.get()));
}

console::Response ListIncidents(const ApiContext& api, const console::RouteContext& c) {
  const int limit = RequestedLimit(c, 100);
  const console::Principal& p = *c.principal;
  services::IncidentQuery q =
      CallService([&] { return services::ParseIncidentQuery(QueryValue(c, "state")); });
  q.school_id = QueryValue(c, "school");
  // Leaders: the newest of everything, then their subtree's share of it.
  q.limit = p.role == console::Role::kLeader ? 10000 : limit;
  std::vector<store::IncidentRow> visible;
  for (store::IncidentRow& row : CallService([&] { return api.incidents().List(q); })) {
    if (static_cast<int>(visible.size()) >= limit) break;
    if (api.Visible(p, row.report.report.school_id)) visible.push_back(std::move(row));
  }
  const config::SharedSchedule names = api.incidents().schedules().Get();
  return console::JsonResponse(200, services::IncidentListJson(visible, names.get()));
}

// Runs a case change (`act`, given the report id, the actor's name and the body) for a
// visible incident and tells open consoles.
console::Response Act(
    const ApiContext& api, const console::RouteContext& c,
    const std::function<json(const services::IncidentService&, const std::string& id,
                             const std::string& who, const json& body)>& act) {
  const std::string id = c.params.at("report_id");
  VisibleIncident(api, *c.principal, id);
  const json body = Body(c);
  const json done = CallService([&] { return act(api.incidents(), id, c.principal->name, body); });
  if (api.backend.on_incident_changed) api.backend.on_incident_changed(id);
  return console::JsonResponse(202, done);
}

console::Response Audit(const store::ReadPool& reads, const console::RouteContext& c) {
  const int limit = RequestedLimit(c, 200);
  auto db = reads.Acquire();
  json out = json::array();
  for (const store::AuditEntry& e : store::RecentAudit(db, limit)) {
    out.push_back({{"at", core::FormatInstantUtc(e.at)},
                   {"actor", e.actor},
                   {"action", e.action},
                   {"object", e.object},
                   {"detail", e.detail}});
  }
  return console::JsonResponse(200, out);
}

}  // namespace

void AddIncidentRoutes(console::Router& router, ApiPtr api) {
  router.Add({"GET", "/api/v1/incidents", console::Permission::kViewIncidents, false,
              [api](const console::RouteContext& c) { return ListIncidents(*api, c); }});
  router.Add({"GET", "/api/v1/incidents/{report_id}", console::Permission::kViewIncidents, false,
              [api](const console::RouteContext& c) { return Show(*api, c); }});
  router.Add(
      {"POST", "/api/v1/incidents/{report_id}/assign", console::Permission::kActOnIncidents, true,
       [api](const console::RouteContext& c) {
         return Act(*api, c, [](const auto& s, const auto& id, const auto& who, const json& body) {
           return services::AssignAcceptedJson(
               s.Assign({id, who, Text(body, "owner"), OptionalText(body, "owner_role")}));
         });
       }});
  router.Add({"POST", "/api/v1/incidents/{report_id}/notes", console::Permission::kActOnIncidents,
              true, [api](const console::RouteContext& c) {
                return Act(
                    *api, c, [](const auto& s, const auto& id, const auto& who, const json& body) {
                      return services::NoteAcceptedJson(s.AddNote({id, who, Text(body, "text")}));
                    });
              }});
  router.Add(
      {"POST", "/api/v1/incidents/{report_id}/close", console::Permission::kActOnIncidents, true,
       [api](const console::RouteContext& c) {
         return Act(*api, c, [](const auto& s, const auto& id, const auto& who, const json& body) {
           const store::CaseOutcome outcome = services::ParseCloseOutcome(Text(body, "outcome"));
           return services::CloseAcceptedJson(
               s.Close({id, who, outcome, OptionalText(body, "comment")}));
         });
       }});
  router.Add({"GET", "/api/v1/audit", console::Permission::kViewAudit, false,
              [api](const console::RouteContext& c) { return Audit(api->backend.reads, c); }});
}

}  // namespace pingan::api

// Incident routes and the audit log:
//
//   GET  /api/v1/incidents?state=&school=&limit=     the incident list (command "incidents")
//   GET  /api/v1/incidents/{report_id}               facts, case, owner history, notes
//   POST /api/v1/incidents/{report_id}/assign {owner, owner_role?}   case owner (包案)
//   POST /api/v1/incidents/{report_id}/notes  {text}                 follow-up note
//   POST /api/v1/incidents/{report_id}/close  {outcome, comment?}    closure (办结)
//   GET  /api/v1/audit?limit=                        the audit log, newest first
//
// Free text (the summary, note texts, closing comments) reaches only roles allowed to
// read it, each read written to the audit log ("incident.text.read"). Leaders see and
// act only inside their subtree: anything else answers 404, as if it did not exist, and
// their scope is checked before any text is read. The audit log is read from a
// read-only connection per request (WAL: beside the writer).
#include "daemon/api/api_context.h"

#include "daemon/core/local_time.h"
#include "daemon/store/audit_log.h"
#include "daemon/store/database.h"
#include "daemon/store/read_connections.h"

namespace pingan::api {
namespace {

using nlohmann::json;

// The incident (with its free text when `with_text`), or 404 when it does not exist or
// lies outside a leader's subtree.
json VisibleIncident(const ApiContext& api, const console::Principal& p, const std::string& id,
                     bool with_text) {
  auto show = [&](bool text) {
    return api.backend.command("incident.show", {{"id", id}, {"with_text", text}});
  };
  const bool scoped = p.role == console::Role::kLeader;  // see ApiContext::Visible
  json incident = show(with_text && !scoped);
  if (!api.Visible(p, incident.value("school_id", ""))) {
    throw console::ApiError(404, "not_found", "no incident report " + id);
  }
  return with_text && scoped ? show(true) : incident;
}

console::Response Show(const ApiContext& api, const console::RouteContext& c) {
  const std::string id = c.params.at("report_id");
  const bool with_text =
      console::RoleHas(c.principal->role, console::Permission::kReadIncidentText);
  json out = VisibleIncident(api, *c.principal, id, with_text);
  if (with_text) {
    api.auth.Audit(c.principal->Actor(), "incident.text.read", id, "");
  } else {
    // Whatever the backend answered, no free text leaves for this role.
    out.erase("summary");
    if (out.contains("notes")) {
      for (json& note : out["notes"]) note["text"] = nullptr;
    }
  }
  return console::JsonResponse(200, out);
}

console::Response List(const ApiContext& api, const console::RouteContext& c) {
  const int limit = RequestedLimit(c, 100);
  const console::Principal& p = *c.principal;
  // Leaders: the newest of everything, then their subtree's share of it.
  json args{{"limit", p.role == console::Role::kLeader ? 10000 : limit}};
  for (const char* key : {"state", "school"}) {
    if (auto it = c.query.find(key); it != c.query.end()) args[key] = it->second;
  }
  return console::JsonResponse(
      200, Scoped(api, p, api.backend.command("incidents", args), "school_id", limit));
}

// body[key] as text, "" when absent or null; 400 when it is something else.
std::string OptionalText(const json& body, const char* key) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return "";
  if (!it->is_string())
    throw console::ApiError(400, "bad_request", std::string("'") + key + "' is text");
  return it->get<std::string>();
}

// Runs a case change for a visible incident and tells open consoles.
console::Response Act(const ApiContext& api, const console::RouteContext& c,
                      const std::string& command,
                      const std::function<json(const json& body)>& args_of) {
  const std::string id = c.params.at("report_id");
  VisibleIncident(api, *c.principal, id, false);
  json args = args_of(Body(c));
  args["id"] = id;
  args["who"] = c.principal->name;
  const json done = api.backend.command(command, args);
  if (api.backend.on_incident_changed) api.backend.on_incident_changed(id);
  return console::JsonResponse(202, done);
}

console::Response Audit(const store::ReadPool& reads, const console::RouteContext& c) {
  const int limit = RequestedLimit(c, 200);
  auto db = reads.Acquire();
  json out = json::array();
  for (const store::AuditEntry& e : store::RecentAudit(db.sql(), limit)) {
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
              [api](const console::RouteContext& c) { return List(*api, c); }});
  router.Add({"GET", "/api/v1/incidents/{report_id}", console::Permission::kViewIncidents, false,
              [api](const console::RouteContext& c) { return Show(*api, c); }});
  router.Add({"POST", "/api/v1/incidents/{report_id}/assign", console::Permission::kActOnIncidents,
              true, [api](const console::RouteContext& c) {
                return Act(*api, c, "incident.assign", [](const json& body) {
                  return json{{"owner", Text(body, "owner")},
                              {"owner_role", OptionalText(body, "owner_role")}};
                });
              }});
  router.Add({"POST", "/api/v1/incidents/{report_id}/notes", console::Permission::kActOnIncidents,
              true, [api](const console::RouteContext& c) {
                return Act(*api, c, "incident.note", [](const json& body) {
                  return json{{"text", Text(body, "text")}};
                });
              }});
  router.Add({"POST", "/api/v1/incidents/{report_id}/close", console::Permission::kActOnIncidents,
              true, [api](const console::RouteContext& c) {
                return Act(*api, c, "incident.close", [](const json& body) {
                  return json{{"outcome", Text(body, "outcome")},
                              {"comment", OptionalText(body, "comment")}};
                });
              }});
  router.Add({"GET", "/api/v1/audit", console::Permission::kViewAudit, false,
              [api](const console::RouteContext& c) { return Audit(api->backend.reads, c); }});
}

}  // namespace pingan::api

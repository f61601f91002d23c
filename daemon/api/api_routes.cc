#include "daemon/api/api_routes.h"

#include <map>
#include <memory>
#include <vector>

#include "daemon/api/api_context.h"
#include "daemon/api/service_errors.h"
#include "daemon/services/alert_json.h"
#include "daemon/services/alert_service.h"
#include "daemon/services/incident_service.h"

namespace pingan::api {

using nlohmann::json;

json Body(const console::RouteContext& c) {
  if (c.request.body.empty()) return json::object();
  json body = json::parse(c.request.body, nullptr, false);
  if (!body.is_object())
    throw console::ApiError(400, "bad_request", "the body must be a JSON object");
  return body;
}

std::string Text(const json& body, const char* key) {
  auto it = body.find(key);
  if (it == body.end() || !it->is_string() || it->get<std::string>().empty()) {
    throw console::ApiError(400, "bad_request", std::string("'") + key + "' is required text");
  }
  return it->get<std::string>();
}

std::string OptionalText(const json& body, const char* key) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return "";
  if (!it->is_string())
    throw console::ApiError(400, "bad_request", std::string("'") + key + "' is text");
  return it->get<std::string>();
}

int RequestedLimit(const console::RouteContext& c, int fallback) {
  auto it = c.query.find("limit");
  if (it == c.query.end()) return fallback;
  int limit = 0;
  try {
    limit = std::stoi(it->second);
  } catch (const std::exception&) {
    throw console::ApiError(400, "bad_request", "limit must be a number");
  }
  if (limit < 1 || limit > 10000)
    throw console::ApiError(400, "bad_request", "limit must be 1..10000");
  return limit;
}

std::string QueryValue(const console::RouteContext& c, const char* key) {
  auto it = c.query.find(key);
  return it == c.query.end() ? "" : it->second;
}

const services::OverviewService& ApiContext::overview() const {
  return Need(backend.overview, "overview");
}
const services::StatusService& ApiContext::status() const {
  return Need(backend.status, "status");
}
const services::SchoolService& ApiContext::schools() const {
  return Need(backend.schools, "school");
}
const services::DutyService& ApiContext::duty() const {
  return Need(backend.duty, "duty");
}
const services::AlertService& ApiContext::alerts() const {
  return Need(backend.alerts, "alert");
}
const services::IncidentService& ApiContext::incidents() const {
  return Need(backend.incidents, "incident");
}
const services::ExemptionService& ApiContext::exemptions() const {
  return Need(backend.exemptions, "exemption");
}
const services::StatsService& ApiContext::stats() const {
  return Need(backend.stats, "statistics");
}
const services::HandoverService& ApiContext::handovers() const {
  return Need(backend.handovers, "hand-over");
}
const services::AdminService& ApiContext::admin() const {
  return Need(backend.admin, "administration");
}
const services::ClockService& ApiContext::clock() const {
  return Need(backend.clock, "clock");
}

namespace {

// The alert, or 404 when it does not exist or lies outside a leader's subtree.
core::Alert VisibleAlert(const ApiContext& api, const console::Principal& p,
                         const std::string& id) {
  core::Alert alert = CallService([&] { return api.alerts().Find(id); });
  if (!api.Visible(p, alert.school_id)) {
    throw console::ApiError(404, "not_found", "no alert " + id);
  }
  return alert;
}

// Who owns each incident alert's case (包案领导), by report id; leaves the map empty
// when the incident service is not wired.
std::map<std::string, std::string> CaseOwners(const ApiContext& api,
                                              const std::vector<core::Alert>& alerts) {
  std::vector<std::string> reports;
  for (const core::Alert& a : alerts) {
    if (a.kind == core::AlertKind::kIncident && a.acknowledged_by.empty())
      reports.push_back(a.report_id);
  }
  std::map<std::string, std::string> owners;
  if (api.backend.incidents == nullptr || reports.empty()) return owners;
  for (const store::IncidentRow& row :
       CallService([&] { return api.backend.incidents->FindMany(reports); })) {
    if (row.the_case) owners[row.report.report.report_id] = row.the_case->owner;
  }
  return owners;
}

console::Response Queue(const ApiContext& api, const console::RouteContext& c) {
  const services::AlertService& alerts = api.alerts();
  services::AlertQueue queue = CallService([&] { return alerts.Queue(); });
  // The same scope as the alert list: a leader's queue is their subtree's.
  api.CutToView(*c.principal, queue.alerts, [](const core::Alert& a) { return a.school_id; });
  return console::JsonResponse(
      200, services::QueueJson(queue.alerts, alerts.schedules().Get().get(), queue.now,
                               CaseOwners(api, queue.alerts)));
}

// POST {ids: [...], comment?}: each visible alert acknowledged with the one comment;
// an alert outside a leader's subtree is refused as one that does not exist.
console::Response AckMany(const ApiContext& api, const console::RouteContext& c) {
  const json body = Body(c);
  const auto ids = body.find("ids");
  if (ids == body.end() || !ids->is_array())
    throw console::ApiError(400, "bad_request", "'ids' must be a list of alert ids");
  if (ids->size() > services::kMaxBulkAck)
    throw console::ApiError(400, "bad_request", "'ids' names too many alerts");
  services::BulkAckRequest req{{}, c.principal->name, OptionalText(body, "comment")};
  std::vector<services::BulkAckRefusal> outside;
  for (const json& id : *ids) {
    if (!id.is_string()) throw console::ApiError(400, "bad_request", "'ids' holds text only");
    try {
      VisibleAlert(api, *c.principal, id.get<std::string>());
      req.ids.push_back(id.get<std::string>());
    } catch (const console::ApiError& e) {
      outside.push_back({id.get<std::string>(), e.code, e.what()});
    }
  }
  services::BulkAckResult done;
  if (!req.ids.empty() || outside.empty())
    done = CallService([&] { return api.alerts().AcknowledgeEach(req); });
  done.refused.insert(done.refused.end(), outside.begin(), outside.end());
  for (const services::AckResult& a : done.acknowledged) api.Changed("alert.updated", a.id);
  return console::JsonResponse(done.acknowledged.empty() ? 409 : 202, services::BulkAckJson(done));
}

}  // namespace

void AddSessionRoutes(console::Router& r, ApiPtr api) {
  console::Route login{
      "POST",
      "/api/v1/login",
      console::Permission::kPublic,
      true,
      [api](const console::RouteContext& c) {
        const json body = Body(c);
        auto result =
            api->auth.Login(Text(body, "name"), Text(body, "password"), c.request.client_address);
        if (auto* refused = std::get_if<console::LoginRefused>(&result)) {
          if (!refused->throttled) {
            return console::ErrorResponse(401, "bad_credentials", "wrong name or password");
          }
          console::Response res =
              console::ErrorResponse(429, "throttled", "too many failed logins; wait");
          const auto seconds = (refused->retry_after.count() + 999) / 1000;
          res.headers.emplace_back("Retry-After", std::to_string(seconds));
          return res;
        }
        const console::LoginOk& ok = std::get<console::LoginOk>(result);
        console::Response res =
            console::JsonResponse(200, {{"user", ok.principal.name},
                                        {"role", console::RoleName(ok.principal.role)},
                                        {"scope", ok.principal.scope},
                                        {"csrf_token", ok.principal.csrf_token}});
        res.headers.emplace_back("Set-Cookie", SessionCookie(ok.session_token, c.request.tls));
        return res;
      },
      console::Runs::kHashPool};
  login.json_same_origin = true;  // no session guards it (request_checks.h)
  r.Add(std::move(login));
  r.Add({"POST", "/api/v1/logout", console::Permission::kSession, true,
         [api](const console::RouteContext& c) {
           api->auth.Logout(*c.principal);
           console::Response res = console::JsonResponse(200, {{"signed_out", true}});
           res.headers.emplace_back("Set-Cookie", SessionCookie("", c.request.tls));
           return res;
         },
         console::Runs::kIo});
  r.Add({"GET", "/api/v1/session", console::Permission::kSession, false,
         [api](const console::RouteContext& c) {
           const console::Principal& p = *c.principal;
           json permissions = json::array();
           for (int i = 0; i <= static_cast<int>(console::kLastPermission); ++i) {
             const auto perm = static_cast<console::Permission>(i);
             if (console::RoleHas(p.role, perm))
               permissions.push_back(console::PermissionName(perm));
           }
           return console::JsonResponse(200, {{"user", p.name},
                                              {"role", console::RoleName(p.role)},
                                              {"scope", p.scope},
                                              {"csrf_token", p.csrf_token},
                                              {"time_zone", api->backend.time_zone},
                                              {"permissions", permissions}});
         },
         console::Runs::kIo});
}

void AddAlertRoutes(console::Router& r, ApiPtr api) {
  r.Add({"GET", "/api/v1/alerts", console::Permission::kViewAlerts, false,
         [api](const console::RouteContext& c) {
           const int limit = RequestedLimit(c, 100);
           const console::Principal& p = *c.principal;
           const services::AlertService& alerts = api->alerts();
           services::AlertQuery q = CallService([&] {
             return services::ParseAlertQuery(QueryValue(c, "state"), QueryValue(c, "kind"));
           });
           q.school_id = QueryValue(c, "school");
           q.requirement_id = QueryValue(c, "requirement");
           q.window_id = QueryValue(c, "window");
           q.limit = p.role == console::Role::kLeader ? 10000 : limit;
           std::vector<core::Alert> found = CallService([&] { return alerts.List(q); });
           api->CutToView(
               p, found, [](const core::Alert& a) { return a.school_id; },
               static_cast<size_t>(limit));
           return console::JsonResponse(
               200, services::AlertListJson(found, alerts.schedules().Get().get()));
         }});
  r.Add({"GET", "/api/v1/alerts/{id}", console::Permission::kViewAlerts, false,
         [api](const console::RouteContext& c) {
           const std::string id = c.params.at("id");
           VisibleAlert(*api, *c.principal, id);
           const services::AlertService& alerts = api->alerts();
           return console::JsonResponse(
               200, services::AlertDetailJson(CallService([&] { return alerts.Show(id); }),
                                              alerts.schedules().Get().get()));
         }});
  r.Add({"POST", "/api/v1/alerts/{id}/ack", console::Permission::kActOnAlerts, true,
         [api](const console::RouteContext& c) {
           const std::string id = c.params.at("id");
           VisibleAlert(*api, *c.principal, id);
           const json body = Body(c);
           const services::AckRequest req{id, c.principal->name, OptionalText(body, "comment")};
           const services::AckResult done =
               CallService([&] { return api->alerts().Acknowledge(req); });
           api->Changed("alert.updated", id);
           return console::JsonResponse(202, services::AckAcceptedJson(done));
         }});
  r.Add({"POST", "/api/v1/alerts/ack", console::Permission::kActOnAlerts, true,
         [api](const console::RouteContext& c) { return AckMany(*api, c); }});
  r.Add({"GET", "/api/v1/queue", console::Permission::kViewAlerts, false,
         [api](const console::RouteContext& c) { return Queue(*api, c); }});
  r.Add({"POST", "/api/v1/alerts/{id}/comment", console::Permission::kActOnAlerts, true,
         [api](const console::RouteContext& c) {
           const std::string id = c.params.at("id");
           VisibleAlert(*api, *c.principal, id);
           const services::CommentRequest req{id, c.principal->name, Text(Body(c), "comment")};
           CallService([&] { api->alerts().Comment(req); });
           api->Changed("alert.updated", id);
           return console::JsonResponse(202, services::CommentAcceptedJson(req));
         }});
  r.Add({"POST", "/api/v1/alerts/{id}/resolve", console::Permission::kActOnAlerts, true,
         [api](const console::RouteContext& c) {
           const std::string id = c.params.at("id");
           VisibleAlert(*api, *c.principal, id);
           const json body = Body(c);
           services::ResolveRequest req{id, c.principal->name, "", core::ResolveReason::kHandled};
           const std::string reason = Text(body, "reason");
           req.comment = Text(body, "comment");
           req.reason = CallService([&] { return services::ParseResolveRequestReason(reason); });
           CallService([&] { api->alerts().Resolve(req); });
           api->Changed("alert.updated", id);
           return console::JsonResponse(202, services::ResolveAcceptedJson(req));
         }});
}

std::string SessionCookie(const std::string& token, bool secure) {
  std::string cookie = std::string(console::kSessionCookie) + "=" + token +
                       "; Path=/; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "");
  if (token.empty()) cookie += "; Max-Age=0";
  return cookie;
}

void RegisterApiRoutes(console::Router& router, console::AuthService& auth, ApiBackend backend) {
  auto api = std::make_shared<ApiContext>(ApiContext{auth, std::move(backend)});
  AddSessionRoutes(router, api);
  AddOverviewRoutes(router, api);
  AddAlertRoutes(router, api);
  AddIncidentRoutes(router, api);
  AddSchoolRoutes(router, api);
  AddAdminRoutes(router, api);
  AddExemptionRoutes(router, api);
  AddStatsRoutes(router, api);
  AddWallRoutes(router, api);
  AddHandoverRoutes(router, api);
}

}  // namespace pingan::api

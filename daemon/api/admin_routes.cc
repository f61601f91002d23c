// The administration routes, thin adapters over the typed services pinganctl's control
// commands use too (AdminService, ClockService, StatusService::Clock,
// AlertService::ListOutbox; users and tokens: the AuthService), answering through the
// same JSON views (admin_json.h, status_json.h, alert_json.h):
//
//   GET  /api/v1/users                         the users as stored; admin
//   POST /api/v1/users {name, role, scope?, password}            admin
//   POST /api/v1/users/{name}/password {password}                admin
//   POST /api/v1/users/{name}/disable                            admin
//   POST /api/v1/tokens {label, role, scope?}  the token, shown once; admin
//   GET  /api/v1/clock                         the daemon's clock; any role
//   POST /api/v1/clock/advance {by: "2h"} or {to: "<ISO instant>"}  drill only; admin
//   GET  /api/v1/outbox?state=&limit=          notifications     status viewers
//   GET  /api/v1/keys                          enrolled school keys; admin
//   POST /api/v1/keys/{school} {public_key}    enrol (or replace); admin
//   POST /api/v1/keys/{school}/revoke          admin
//   POST /api/v1/schools/import?dry_run=1      body: CSV (text/csv); admin
//   GET  /api/v1/export/ledger?from=&to=&unit= text/csv; leaders: their subtree
//
// Every change is written to the audit log with the signed-in user or token as actor
// (user and token changes also under "control" by the AuthService itself; key changes
// and imports by the AdminService, naming the actor it is given), and so is every
// export. Handlers run on the read pool; the user routes that hash a password run on the
// hash pool.
#include <map>

#include "daemon/api/api_context.h"
#include "daemon/api/service_errors.h"
#include "daemon/core/local_time.h"
#include "daemon/services/admin_json.h"
#include "daemon/services/alert_json.h"
#include "daemon/services/alert_service.h"
#include "daemon/services/clock_service.h"
#include "daemon/services/status_json.h"

namespace pingan::api {
namespace {

using nlohmann::json;
using services::UserChange;

console::Response UserChanged(const ApiContext& api, const console::RouteContext& c, int status,
                              UserChange change, const std::string& name,
                              const std::optional<std::string>& error) {
  CallService([&] { services::ThrowIfRefused(error); });
  static const std::map<UserChange, const char*> kAction = {
      {UserChange::kAdded, "user.add"},
      {UserChange::kPasswordChanged, "user.passwd"},
      {UserChange::kDisabled, "user.disable"}};
  api.auth.Audit(c.principal->Actor(), kAction.at(change), name, "over the HTTP API");
  return console::JsonResponse(status, services::ToJson(services::UserChanged{change, name}));
}

void AddUserRoutes(console::Router& r, ApiPtr api) {
  r.Add({"GET", "/api/v1/users", console::Permission::kAdmin, false,
         [api](const console::RouteContext&) {
           return console::JsonResponse(
               200, services::ToJson(CallService([&] { return api->admin().Users(); })));
         }});
  r.Add({"POST", "/api/v1/users", console::Permission::kAdmin, true,
         [api](const console::RouteContext& c) {
           const json body = Body(c);
           const std::string name = Text(body, "name");
           return UserChanged(
               *api, c, 201, UserChange::kAdded, name,
               api->auth.AddUser(name, Text(body, "role"), OptionalText(body, "scope"),
                                 Text(body, "password")));
         },
         console::Runs::kHashPool});
  r.Add({"POST", "/api/v1/users/{name}/password", console::Permission::kAdmin, true,
         [api](const console::RouteContext& c) {
           const std::string name = c.params.at("name");
           return UserChanged(*api, c, 200, UserChange::kPasswordChanged, name,
                              api->auth.SetPassword(name, Text(Body(c), "password")));
         },
         console::Runs::kHashPool});
  r.Add({"POST", "/api/v1/users/{name}/disable", console::Permission::kAdmin, true,
         [api](const console::RouteContext& c) {
           const std::string name = c.params.at("name");
           return UserChanged(*api, c, 200, UserChange::kDisabled, name,
                              api->auth.DisableUser(name));
         }});
  r.Add({"POST", "/api/v1/tokens", console::Permission::kAdmin, true,
         [api](const console::RouteContext& c) {
           const json body = Body(c);
           const std::string label = Text(body, "label");
           auto made =
               api->auth.CreateToken(label, Text(body, "role"), OptionalText(body, "scope"));
           if (made.index() == 1) CallService([&] { services::ThrowIfRefused(std::get<1>(made)); });
           api->auth.Audit(c.principal->Actor(), "token.create", label, "over the HTTP API");
           return console::JsonResponse(
               201, services::ToJson(services::TokenCreated{label, std::get<0>(made)}));
         }});
}

console::Response AdvanceClock(const ApiContext& api, const console::RouteContext& c) {
  const json body = Body(c);
  // One of them; the service checks.
  const std::string by = body.contains("by") ? Text(body, "by") : "";
  const std::string to = body.contains("to") ? Text(body, "to") : "";
  const services::ClockReading moved =
      CallService([&] { return api.clock().Advance(services::ParseClockMove(by, to)); });
  api.auth.Audit(c.principal->Actor(), "clock.advance", "", to.empty() ? "by=" + by : "to=" + to);
  return console::JsonResponse(200, services::ToJson(moved));
}

void AddClockAndOutboxRoutes(console::Router& r, ApiPtr api) {
  r.Add({"GET", "/api/v1/clock", console::Permission::kViewAlerts, false,
         [api](const console::RouteContext&) {
           return console::JsonResponse(200, services::ToJson(api->status().Clock()));
         }});
  r.Add({"POST", "/api/v1/clock/advance", console::Permission::kAdmin, true,
         [api](const console::RouteContext& c) { return AdvanceClock(*api, c); }});
  r.Add({"GET", "/api/v1/outbox", console::Permission::kViewStatus, false,
         [api](const console::RouteContext& c) {
           const int limit = RequestedLimit(c, 200);
           const services::AlertService& alerts = api->alerts();
           return console::JsonResponse(200, services::OutboxListingJson(CallService([&] {
                                          return alerts.ListOutbox(services::ParseOutboxQuery(
                                              QueryValue(c, "state"), limit));
                                        })));
         }});
}

void AddKeyRoutes(console::Router& r, ApiPtr api) {
  r.Add({"GET", "/api/v1/keys", console::Permission::kAdmin, false,
         [api](const console::RouteContext&) {
           return console::JsonResponse(
               200, services::ToJson(CallService([&] { return api->admin().Keys(); })));
         }});
  r.Add({"POST", "/api/v1/keys/{school}", console::Permission::kAdmin, true,
         [api](const console::RouteContext& c) {
           const services::KeyEnrolRequest req{c.params.at("school"), Text(Body(c), "public_key"),
                                               c.principal->Actor()};
           return console::JsonResponse(
               200, services::ToJson(CallService([&] { return api->admin().EnrolKey(req); })));
         }});
  r.Add({"POST", "/api/v1/keys/{school}/revoke", console::Permission::kAdmin, true,
         [api](const console::RouteContext& c) {
           const services::KeyRevokeRequest req{c.params.at("school"), c.principal->Actor()};
           return console::JsonResponse(
               200, services::ToJson(CallService([&] { return api->admin().RevokeKey(req); })));
         }});
}

console::Response SchoolsImport(const ApiContext& api, const console::RouteContext& c) {
  const std::string type = c.request.Header("content-type");
  if (type.rfind("text/csv", 0) != 0 && type.rfind("text/plain", 0) != 0) {
    throw console::ApiError(415, "unsupported_media_type", "send the CSV as text/csv (UTF-8)");
  }
  const std::string dry_run = QueryValue(c, "dry_run");
  services::SchoolImportRequest req;
  req.csv = c.request.body;
  req.dry_run = dry_run == "1" || dry_run == "true";
  req.actor = c.principal->Actor();
  const services::SchoolImport done = CallService([&] { return api.admin().ImportSchools(req); });
  json answer = services::ToJson(done);
  if (done.errors.empty()) return console::JsonResponse(200, answer);
  // Nothing was applied: the whole answer, with every error and its line.
  answer["error"] = {{"code", "invalid_csv"},
                     {"message", std::to_string(done.errors.size()) +
                                     " problems in the file; nothing was applied"}};
  return console::JsonResponse(422, answer);
}

console::Response ExportLedger(const ApiContext& api, const console::RouteContext& c) {
  const console::Principal& p = *c.principal;
  const services::LedgerExport done = CallService([&] {
    return api.admin().ExportLedger(services::ParseExportRequest(
        QueryValue(c, "from"), QueryValue(c, "to"), QueryValue(c, "unit"),
        p.role == console::Role::kLeader ? p.scope : ""));
  });
  const std::string from = core::FormatDate(done.from);
  const std::string to = core::FormatDate(done.to);
  api.auth.Audit(p.Actor(), "export.ledger", QueryValue(c, "unit"),
                 from + ".." + to + " rows=" + std::to_string(done.rows));
  console::Response res;
  res.status = 200;
  res.headers.emplace_back("Content-Type", "text/csv; charset=utf-8");
  res.headers.emplace_back("Content-Disposition",
                           "attachment; filename=\"pingan-ledger-" + from + "-" + to + ".csv\"");
  res.headers.emplace_back("Cache-Control", "no-store");
  res.body = done.csv;
  return res;
}

}  // namespace

void AddAdminRoutes(console::Router& r, ApiPtr api) {
  AddUserRoutes(r, api);
  AddClockAndOutboxRoutes(r, api);
  AddKeyRoutes(r, api);
  console::Route import{"POST", "/api/v1/schools/import", console::Permission::kAdmin, true,
                        [api](const console::RouteContext& c) { return SchoolsImport(*api, c); }};
  // A school list of a whole city runs to a few MB; only an admin may send one.
  import.body_limit = 8 * 1024 * 1024;
  r.Add(std::move(import));
  r.Add({"GET", "/api/v1/export/ledger", console::Permission::kViewAlerts, false,
         [api](const console::RouteContext& c) { return ExportLedger(*api, c); }});
}

}  // namespace pingan::api

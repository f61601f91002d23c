// The administration routes, over the control commands pinganctl uses:
//
//   GET  /api/v1/users                         users.list        admin
//   POST /api/v1/users {name, role, scope?, password}            admin
//   POST /api/v1/users/{name}/password {password}                admin
//   POST /api/v1/users/{name}/disable                            admin
//   POST /api/v1/tokens {label, role, scope?}  the token, shown once; admin
//   GET  /api/v1/clock                         clock.now         any role
//   POST /api/v1/clock/advance {by: "2h"} or {to: "<ISO instant>"}  drill only; admin
//   GET  /api/v1/outbox?state=&limit=          notifications     status viewers
//   GET  /api/v1/keys                          enrolled school keys; admin
//   POST /api/v1/keys/{school} {public_key}    enrol (or replace); admin
//   POST /api/v1/keys/{school}/revoke          admin
//   POST /api/v1/schools/import?dry_run=1      body: CSV (text/csv); admin
//   GET  /api/v1/export/ledger?from=&to=&unit= text/csv; leaders: their subtree
//
// Every change is written to the audit log with the signed-in user or token as actor
// (user and token changes also under "control" by the AuthService itself), and so is
// every export. Handlers run on the io thread.
#include "daemon/api/api_context.h"

namespace pingan::api {
namespace {

using nlohmann::json;

// Runs a control command, giving the codes the generic mapping does not know their
// statuses (a refusal, not a server fault).
json Run(const ApiContext& api, const std::string& command, const json& args) {
  try {
    return api.backend.command(command, args);
  } catch (const console::ApiError& e) {
    if (e.code == "not_drill") throw console::ApiError(409, e.code, e.what());
    if (e.code == "too_large") throw console::ApiError(400, e.code, e.what());
    throw;
  }
}

void AddUserRoutes(console::Router& r, ApiPtr api) {
  r.Add({"GET", "/api/v1/users", console::Permission::kAdmin, false,
         [api](const console::RouteContext&) {
           return console::JsonResponse(200, Run(*api, "users.list", json::object()));
         }});
  r.Add({"POST", "/api/v1/users", console::Permission::kAdmin, true,
         [api](const console::RouteContext& c) {
           const json body = Body(c);
           const std::string name = Text(body, "name");
           const json done = Run(*api, "users.add",
                                 {{"name", name},
                                  {"role", Text(body, "role")},
                                  {"scope", OptionalText(body, "scope")},
                                  {"password", Text(body, "password")}});
           api->auth.Audit(c.principal->Actor(), "user.add", name, "over the HTTP API");
           return console::JsonResponse(201, done);
         },
         console::Runs::kHashPool});
  r.Add({"POST", "/api/v1/users/{name}/password", console::Permission::kAdmin, true,
         [api](const console::RouteContext& c) {
           const std::string name = c.params.at("name");
           const json done =
               Run(*api, "users.passwd", {{"name", name}, {"password", Text(Body(c), "password")}});
           api->auth.Audit(c.principal->Actor(), "user.passwd", name, "over the HTTP API");
           return console::JsonResponse(200, done);
         },
         console::Runs::kHashPool});
  r.Add({"POST", "/api/v1/users/{name}/disable", console::Permission::kAdmin, true,
         [api](const console::RouteContext& c) {
           const std::string name = c.params.at("name");
           const json done = Run(*api, "users.disable", {{"name", name}});
           api->auth.Audit(c.principal->Actor(), "user.disable", name, "over the HTTP API");
           return console::JsonResponse(200, done);
         }});
  r.Add({"POST", "/api/v1/tokens", console::Permission::kAdmin, true,
         [api](const console::RouteContext& c) {
           const json body = Body(c);
           const std::string label = Text(body, "label");
           const json made = Run(*api, "tokens.create",
                                 {{"label", label},
                                  {"role", Text(body, "role")},
                                  {"scope", OptionalText(body, "scope")}});
           api->auth.Audit(c.principal->Actor(), "token.create", label, "over the HTTP API");
           return console::JsonResponse(201, made);
         }});
}

void AddClockAndOutboxRoutes(console::Router& r, ApiPtr api) {
  r.Add({"GET", "/api/v1/clock", console::Permission::kViewAlerts, false,
         [api](const console::RouteContext&) {
           return console::JsonResponse(200, Run(*api, "clock.now", json::object()));
         }});
  r.Add({"POST", "/api/v1/clock/advance", console::Permission::kAdmin, true,
         [api](const console::RouteContext& c) {
           const json body = Body(c);
           json args = json::object();
           for (const char* key : {"by", "to"}) {  // one of them; the command checks
             if (body.contains(key)) args[key] = Text(body, key);
           }
           const json moved = Run(*api, "clock.advance", args);
           api->auth.Audit(c.principal->Actor(), "clock.advance", "",
                           args.contains("to") ? "to=" + args["to"].get<std::string>()
                                               : "by=" + args.value("by", ""));
           return console::JsonResponse(200, moved);
         }});
  r.Add({"GET", "/api/v1/outbox", console::Permission::kViewStatus, false,
         [api](const console::RouteContext& c) {
           json args{{"limit", RequestedLimit(c, 200)}};
           if (auto state = QueryValue(c, "state"); !state.empty()) args["state"] = state;
           return console::JsonResponse(200, Run(*api, "outbox", args));
         }});
}

void AddKeyRoutes(console::Router& r, ApiPtr api) {
  r.Add({"GET", "/api/v1/keys", console::Permission::kAdmin, false,
         [api](const console::RouteContext&) {
           return console::JsonResponse(200, Run(*api, "keys.list", json::object()));
         }});
  r.Add({"POST", "/api/v1/keys/{school}", console::Permission::kAdmin, true,
         [api](const console::RouteContext& c) {
           return console::JsonResponse(200, Run(*api, "keys.enroll",
                                                 {{"school", c.params.at("school")},
                                                  {"public_key", Text(Body(c), "public_key")},
                                                  {"actor", c.principal->Actor()}}));
         }});
  r.Add({"POST", "/api/v1/keys/{school}/revoke", console::Permission::kAdmin, true,
         [api](const console::RouteContext& c) {
           return console::JsonResponse(
               200, Run(*api, "keys.revoke",
                        {{"school", c.params.at("school")}, {"actor", c.principal->Actor()}}));
         }});
}

console::Response SchoolsImport(const ApiContext& api, const console::RouteContext& c) {
  const std::string type = c.request.Header("content-type");
  if (type.rfind("text/csv", 0) != 0 && type.rfind("text/plain", 0) != 0) {
    throw console::ApiError(415, "unsupported_media_type", "send the CSV as text/csv (UTF-8)");
  }
  const std::string dry_run = QueryValue(c, "dry_run");
  json answer = Run(api, "schools.import",
                    {{"csv", c.request.body},
                     {"dry_run", dry_run == "1" || dry_run == "true"},
                     {"actor", c.principal->Actor()}});
  if (answer.value("errors", json::array()).empty()) return console::JsonResponse(200, answer);
  // Nothing was applied: the whole answer, with every error and its line.
  answer["error"] = {{"code", "invalid_csv"},
                     {"message", std::to_string(answer["errors"].size()) +
                                     " problems in the file; nothing was applied"}};
  return console::JsonResponse(422, answer);
}

console::Response ExportLedger(const ApiContext& api, const console::RouteContext& c) {
  const console::Principal& p = *c.principal;
  json args{{"from", QueryValue(c, "from")}, {"to", QueryValue(c, "to")}};
  if (auto unit = QueryValue(c, "unit"); !unit.empty()) args["unit"] = unit;
  if (p.role == console::Role::kLeader) args["scope"] = p.scope;
  const json result = Run(api, "export.ledger", args);
  const std::string from = result.value("from", "");
  const std::string to = result.value("to", "");
  api.auth.Audit(p.Actor(), "export.ledger", QueryValue(c, "unit"),
                 from + ".." + to + " rows=" + std::to_string(result.value("rows", 0)));
  console::Response res;
  res.status = 200;
  res.headers.emplace_back("Content-Type", "text/csv; charset=utf-8");
  res.headers.emplace_back("Content-Disposition",
                           "attachment; filename=\"pingan-ledger-" + from + "-" + to + ".csv\"");
  res.headers.emplace_back("Cache-Control", "no-store");
  res.body = result.value("csv", "");
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

// Exemption routes (免报):
//
//   GET  /api/v1/exemptions?all=1&limit=N           newest first; withdrawn ones with all
//   POST /api/v1/exemptions {from, to, scope, requirements?, reason}   make one
//   POST /api/v1/exemptions/{id}/withdraw                              withdraw one
//
// A thin adapter over services::ExemptionService (ApiBackend::exemptions), answering
// through its JSON view, as pinganctl's commands do; the actor is the signed-in
// principal. Admins and duty officers make and withdraw exemptions anywhere (the
// service's writer job audits each change); leaders see only the exemptions that touch
// their subtree (its scope lies in their subtree, or their subtree in its scope), and
// auditors see all. Runs on the read pool.
#include "daemon/api/api_context.h"
#include "daemon/api/service_errors.h"
#include "daemon/services/exemption_commands.h"
#include "daemon/services/exemption_json.h"
#include "daemon/services/exemption_service.h"

namespace pingan::api {
namespace {

using nlohmann::json;

bool Touches(const ApiContext& api, const console::Principal& p, const core::Exemption& e) {
  if (p.role != console::Role::kLeader) return true;
  return api.backend.in_subtree(e.scope_unit_id, p.scope) ||
         api.backend.in_subtree(p.scope, e.scope_unit_id);
}

console::Response ListExemptions(const ApiContext& api, const console::RouteContext& c) {
  const services::ExemptionService& s = api.exemptions();
  const std::string all = QueryValue(c, "all");
  const services::ExemptionQuery q{all == "1" || all == "true", RequestedLimit(c, 200)};
  std::vector<core::Exemption> visible;
  for (core::Exemption& e : CallService([&] { return s.List(q); })) {
    if (Touches(api, *c.principal, e)) visible.push_back(std::move(e));
  }
  return console::JsonResponse(
      200, services::ExemptionListJson(visible, s.schedules().Get().get(), s.Now()));
}

console::Response Create(const ApiContext& api, const console::RouteContext& c) {
  const services::ExemptionService& s = api.exemptions();
  const json body = Body(c);
  const core::Exemption e = CallService([&] {
    return s.Create({Text(body, "from"), Text(body, "to"), Text(body, "scope"),
                     services::RequirementListArg(body, "requirements"), Text(body, "reason"),
                     c.principal->name});
  });
  return console::JsonResponse(202, services::ExemptionJson(e, s.schedules().Get().get(), s.Now()));
}

console::Response Withdraw(const ApiContext& api, const console::RouteContext& c) {
  const services::ExemptionService& s = api.exemptions();
  const core::Exemption e = CallService([&] {
    return s.Withdraw({c.params.at("id"), c.principal->name});
  });
  return console::JsonResponse(202, services::ExemptionJson(e, s.schedules().Get().get(), s.Now()));
}

}  // namespace

void AddExemptionRoutes(console::Router& router, ApiPtr api) {
  router.Add({"GET", "/api/v1/exemptions", console::Permission::kViewAlerts, false,
              [api](const console::RouteContext& c) { return ListExemptions(*api, c); }});
  router.Add({"POST", "/api/v1/exemptions", console::Permission::kManageExemptions, true,
              [api](const console::RouteContext& c) { return Create(*api, c); }});
  router.Add({"POST", "/api/v1/exemptions/{id}/withdraw", console::Permission::kManageExemptions,
              true, [api](const console::RouteContext& c) { return Withdraw(*api, c); }});
}

}  // namespace pingan::api

// Shift hand-over sign-off routes (交接班):
//
//   GET  /api/v1/handovers?limit=N           newest first
//   POST /api/v1/handovers {note}            the outgoing officer signs off
//   POST /api/v1/handovers/{id}/ack          the incoming officer acknowledges
//
// A thin adapter over services::HandoverService (ApiBackend::handovers), answering
// through its JSON view, as pinganctl's commands do; the actor is the signed-in
// principal. Signing and acknowledging need act_on_alerts (admins, duty officers,
// leaders); reading, view_alerts. The service's writer job audits each change
// ("handover.sign", "handover.ack"). The note may name people and is read as incident
// text is: only roles that may read protected text get it, not leaders (the note is the
// whole duty room's, their scope a subtree), and a list that carries notes is audited
// ("handover.note.read", naming the hand-overs); others get "note": null.
// (GET /api/v1/handover, the shift's summary, is an overview route.) Runs on the read
// pool.
#include "daemon/api/api_context.h"
#include "daemon/api/service_errors.h"
#include "daemon/services/handover_commands.h"
#include "daemon/services/handover_service.h"

namespace pingan::api {
namespace {

// Whether `p` may read hand-over notes (see the file comment).
bool ReadsNotes(const console::Principal& p) {
  return console::RoleHas(p.role, console::Permission::kReadIncidentText) &&
         p.role != console::Role::kLeader;
}

nlohmann::json Shown(const store::Handover& h, const console::Principal& p) {
  nlohmann::json out = services::HandoverJson(h);
  if (!ReadsNotes(p)) out["note"] = nullptr;
  return out;
}

console::Response List(const ApiContext& api, const console::RouteContext& c) {
  const int limit = RequestedLimit(c, 20);
  const auto list = CallService([&] { return api.handovers().List(limit); });
  nlohmann::json out = nlohmann::json::array();
  std::string ids;
  for (const store::Handover& h : list) {
    out.push_back(Shown(h, *c.principal));
    ids += (ids.empty() ? "" : " ") + h.id;
  }
  if (ReadsNotes(*c.principal) && !ids.empty()) {
    api.auth.Audit(c.principal->Actor(), "handover.note.read", "", ids);
  }
  return console::JsonResponse(200, out);
}

}  // namespace

void AddHandoverRoutes(console::Router& router, ApiPtr api) {
  router.Add({"GET", "/api/v1/handovers", console::Permission::kViewAlerts, false,
              [api](const console::RouteContext& c) { return List(*api, c); }});
  router.Add({"POST", "/api/v1/handovers", console::Permission::kActOnAlerts, true,
              [api](const console::RouteContext& c) {
                const nlohmann::json body = Body(c);
                const store::Handover h = CallService(
                    [&] { return api->handovers().Sign(Text(body, "note"), c.principal->name); });
                return console::JsonResponse(202, Shown(h, *c.principal));
              }});
  router.Add({"POST", "/api/v1/handovers/{id}/ack", console::Permission::kActOnAlerts, true,
              [api](const console::RouteContext& c) {
                const store::Handover h = CallService([&] {
                  return api->handovers().Acknowledge(c.params.at("id"), c.principal->name);
                });
                return console::JsonResponse(202, Shown(h, *c.principal));
              }});
}

}  // namespace pingan::api

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
// ("handover.sign", "handover.ack"). (GET /api/v1/handover, the shift's summary, is an
// overview route.) Runs on the read pool.
#include "daemon/api/api_context.h"
#include "daemon/api/service_errors.h"
#include "daemon/services/handover_commands.h"
#include "daemon/services/handover_service.h"

namespace pingan::api {
namespace {

const services::HandoverService& Handovers(const ApiContext& api) {
  if (api.backend.handovers == nullptr)
    throw console::ApiError(503, "unavailable", "the hand-over service is not wired");
  return *api.backend.handovers;
}

}  // namespace

void AddHandoverRoutes(console::Router& router, ApiPtr api) {
  router.Add({"GET", "/api/v1/handovers", console::Permission::kViewAlerts, false,
              [api](const console::RouteContext& c) {
                const int limit = RequestedLimit(c, 20);
                return console::JsonResponse(200, services::HandoverListJson(CallService([&] {
                                               return Handovers(*api).List(limit);
                                             })));
              }});
  router.Add({"POST", "/api/v1/handovers", console::Permission::kActOnAlerts, true,
              [api](const console::RouteContext& c) {
                const nlohmann::json body = Body(c);
                const store::Handover h = CallService(
                    [&] { return Handovers(*api).Sign(Text(body, "note"), c.principal->name); });
                return console::JsonResponse(202, services::HandoverJson(h));
              }});
  router.Add({"POST", "/api/v1/handovers/{id}/ack", console::Permission::kActOnAlerts, true,
              [api](const console::RouteContext& c) {
                const store::Handover h = CallService([&] {
                  return Handovers(*api).Acknowledge(c.params.at("id"), c.principal->name);
                });
                return console::JsonResponse(202, services::HandoverJson(h));
              }});
}

}  // namespace pingan::api

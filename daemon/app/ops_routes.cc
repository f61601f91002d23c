#include "daemon/app/ops_routes.h"

#include <memory>

namespace pingan::app {
namespace {

using console::ApiError;
using console::Permission;
using console::Response;
using console::RouteContext;
using console::Runs;

nlohmann::json ReadinessJson(const ops::Readiness& readiness) {
  nlohmann::json checks = nlohmann::json::object();
  for (const ops::ReadinessCheck& c : readiness.checks) {
    checks[c.name] = {{"ok", c.ok}, {"detail", c.detail}};
  }
  return {{"status", readiness.ready ? "ready" : "not ready"}, {"checks", std::move(checks)}};
}

// Whether this caller may read /metrics: an open address, or a token that views status.
void CheckMetricsAccess(const OpsRouteContext& ctx, const console::Request& request) {
  if (ctx.metrics_open_to.Contains(request.client_address)) return;
  const std::string authorization = request.Header("authorization");
  if (!authorization.starts_with("Bearer ")) {
    throw ApiError(401, "unauthenticated",
                   "/metrics needs an API token (Authorization: Bearer) from this address");
  }
  const auto principal = ctx.auth.FromApiToken(authorization.substr(7));
  if (!principal) throw ApiError(401, "unauthenticated", "unknown or revoked API token");
  if (!console::RoleHas(principal->role, Permission::kViewStatus)) {
    throw ApiError(403, "forbidden", "this token's role may not read the daemon's status");
  }
}

}  // namespace

void RegisterOpsRoutes(console::Router& router, OpsRouteContext context) {
  auto ctx = std::make_shared<const OpsRouteContext>(std::move(context));
  router.Add({.method = "GET",
              .pattern = "/healthz",
              .permission = Permission::kPublic,
              .handler =
                  [](const RouteContext&) {
                    return console::JsonResponse(200, {{"status", "ok"}});
                  },
              .runs = Runs::kIo});
  router.Add({.method = "GET",
              .pattern = "/readyz",
              .permission = Permission::kPublic,
              .handler =
                  [ctx](const RouteContext&) {
                    const ops::Readiness readiness = ctx->health.Readiness();
                    return console::JsonResponse(readiness.ready ? 200 : 503,
                                                 ReadinessJson(readiness));
                  },
              .runs = Runs::kIo});
  router.Add({.method = "GET",
              .pattern = "/api/v1/system/warnings",
              .permission = Permission::kSession,
              .handler =
                  [ctx](const RouteContext&) {
                    nlohmann::json list = nlohmann::json::array();
                    for (const auto& w : ctx->health.Warnings()) {
                      list.push_back({{"code", w.code}, {"detail", w.detail}});
                    }
                    return console::JsonResponse(200, {{"warnings", std::move(list)}});
                  },
              .runs = Runs::kIo});
  router.Add({.method = "GET",
              .pattern = "/metrics",
              .permission = Permission::kPublic,
              .handler =
                  [ctx](const RouteContext& rc) {
                    CheckMetricsAccess(*ctx, rc.request);
                    Response res;
                    res.headers.emplace_back("Content-Type", ops::Metrics::kContentType);
                    res.body = ctx->metrics.Render(ctx->read_now());
                    return res;
                  },
              .runs = Runs::kReadPool});
}

}  // namespace pingan::app

// The HTTP routes that watch pingand itself, for supervisors and monitoring systems:
//
//   GET /healthz   liveness: the io thread answers (200 {"status":"ok"}).
//   GET /readyz    readiness (ServiceHealth): 200 or 503 with every check and, when one
//                  fails, what is wrong. No data, so no authentication.
//   GET /api/v1/system/warnings  for any signed-in user: what the console's banner shows
//                  (ServiceHealth::Warnings: codes and fixed texts, no data).
//   GET /metrics   Prometheus text format (ops::Metrics). Without a token only from
//                  monitoring.metrics_open_to; otherwise an API token whose role views
//                  status (Authorization: Bearer). 401/403 otherwise.
//
// /healthz, /readyz and the warnings run on the io thread (memory only); /metrics on the read pool,
// where `read_now` gathers the figures it needs (from the io thread and the database).
#pragma once

#include <functional>
#include <vector>

#include <prometheus/metric_family.h>

#include "daemon/app/service_health.h"
#include "daemon/console/auth.h"
#include "daemon/console/forwarded.h"
#include "daemon/console/router.h"
#include "daemon/ops/metrics.h"

namespace pingan::app {

struct OpsRouteContext {
  const ServiceHealth& health;
  const ops::Metrics& metrics;
  console::AuthService& auth;
  console::TrustedProxies metrics_open_to;
  // Read-pool thread: the figures read at scrape time.
  std::function<std::vector<prometheus::MetricFamily>()> read_now;
};

void RegisterOpsRoutes(console::Router& router, OpsRouteContext context);

}  // namespace pingan::app

// Period statistics routes (/stats):
//
//   GET /api/v1/stats?from=&to=&unit=&repeat_days=   the figures (services/stats_json.h)
//   GET /api/v1/export/stats.csv?from=&to=&unit=     the same figures as CSV
//   GET /api/v1/export/stats.xlsx?from=&to=&unit=    ... and as an XLSX workbook
//
// A thin adapter over services::StatsService (ApiBackend::stats). Anyone who may view
// alerts may ask; leaders only for their subtree (without ?unit= they get their scope;
// a unit outside it answers 404, as if it did not exist). Bad dates or a period over
// a year answer 400 naming the problem. Exports are audited ("export.stats", like the
// ledger export). Everything runs on the read pool, never on the io thread: the walk
// over the period's windows reads the ledger, and the workbook is written to a file.
#include "daemon/api/api_context.h"
#include "daemon/api/service_errors.h"
#include "daemon/services/stats_commands.h"
#include "daemon/services/stats_export.h"
#include "daemon/services/stats_json.h"
#include "daemon/services/stats_service.h"

namespace pingan::api {
namespace {

using nlohmann::json;

services::StatsAnswer Compute(const ApiContext& api, const console::RouteContext& c) {
  const services::StatsService& stats = api.stats();
  json args{{"from", QueryValue(c, "from")},
            {"to", QueryValue(c, "to")},
            {"unit", QueryValue(c, "unit")}};
  if (const std::string days = QueryValue(c, "repeat_days"); !days.empty()) {
    int n = 0;
    try {
      size_t used = 0;
      n = std::stoi(days, &used);
      if (used != days.size()) n = 0;
    } catch (const std::exception&) {
      n = 0;
    }
    if (n < 1) throw console::ApiError(400, "bad_request", "repeat_days must be a whole number");
    args["repeat_days"] = n;
  }
  if (c.principal->role == console::Role::kLeader) args["scope"] = c.principal->scope;
  return CallService([&] { return stats.Compute(services::StatsRequestOf(args)); });
}

console::Response File(const ApiContext& api, const console::RouteContext& c, bool xlsx) {
  const services::StatsAnswer a = Compute(api, c);
  console::Response res;
  res.status = 200;
  res.body = xlsx ? CallService([&] { return services::StatsXlsx(a); }) : services::StatsCsv(a);
  const std::string stem = services::StatsFileStem(a);
  res.headers.emplace_back(
      "Content-Type", xlsx ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                           : "text/csv; charset=utf-8");
  res.headers.emplace_back("Content-Disposition",
                           "attachment; filename=\"" + stem + (xlsx ? ".xlsx\"" : ".csv\""));
  res.headers.emplace_back("Cache-Control", "no-store");
  api.auth.Audit(c.principal->Actor(), "export.stats", a.unit_id, stem + (xlsx ? ".xlsx" : ".csv"));
  return res;
}

}  // namespace

void AddStatsRoutes(console::Router& r, ApiPtr api) {
  r.Add({"GET", "/api/v1/stats", console::Permission::kViewAlerts, false,
         [api](const console::RouteContext& c) {
           return console::JsonResponse(200, services::StatsJson(Compute(*api, c)));
         }});
  r.Add({"GET", "/api/v1/export/stats.csv", console::Permission::kViewAlerts, false,
         [api](const console::RouteContext& c) { return File(*api, c, false); }});
  r.Add({"GET", "/api/v1/export/stats.xlsx", console::Permission::kViewAlerts, false,
         [api](const console::RouteContext& c) { return File(*api, c, true); }});
}

}  // namespace pingan::api

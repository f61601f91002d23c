// The overview routes: daemon status, today's board, the next deadlines and the list
// of schools that missed one.
#include "daemon/console/api_context.h"

namespace pingan::console {

using nlohmann::json;

void AddOverviewRoutes(Router& r, ApiPtr api) {
  r.Add({"GET", "/api/v1/status", Permission::kViewStatus, false, [api](const RouteContext&) {
           return JsonResponse(200, api->backend.command("status", json::object()));
         }});
  r.Add({"GET", "/api/v1/board", Permission::kViewStatus, false, [api](const RouteContext& c) {
           json args = json::object();
           if (auto date = QueryValue(c, "date"); !date.empty()) args["date"] = date;
           return JsonResponse(200, api->backend.command("ledger.today", args));
         }});
  r.Add({"GET", "/api/v1/deadlines", Permission::kViewAlerts, false, [api](const RouteContext& c) {
           return JsonResponse(
               200, api->backend.command("deadlines.next", {{"limit", RequestedLimit(c, 10)}}));
         }});
  r.Add({"GET", "/api/v1/missing", Permission::kViewAlerts, false, [api](const RouteContext& c) {
           const int limit = RequestedLimit(c, 200);
           const Principal& p = *c.principal;
           // Leaders: ask for more and keep those in scope.
           json args{{"limit", p.role == Role::kLeader ? 10000 : limit}};
           return JsonResponse(
               200, Scoped(*api, p, api->backend.command("missing", args), "school_id", limit));
         }});
}

}  // namespace pingan::console

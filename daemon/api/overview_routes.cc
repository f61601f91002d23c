// The overview routes: daemon status, the board (a day's windows with counts per child
// unit) and its drill-down to schools, the next deadlines, the schools that missed one
// and the shift hand-over summary, over the typed services (StatusService, DutyService,
// OverviewService). Leaders see their subtree: the services get their unit, and every
// typed list is cut again here by school. The board and its drill-down
// are answered from an AnswerCache while the daemon's data version stays the same.
#include <functional>
#include <memory>

#include "daemon/api/api_context.h"
#include "daemon/api/service_errors.h"
#include "daemon/console/answer_cache.h"
#include "daemon/services/board_json.h"
#include "daemon/services/duty_json.h"
#include "daemon/services/overview_service.h"
#include "daemon/services/status_json.h"

namespace pingan::api {
namespace {

using nlohmann::json;

// Enough for the dates, units and drill-downs that open pages show at once, times the
// leaders' scopes; a drill-down of 10,000 schools is about 2 MB.
constexpr size_t kCachedAnswers = 64;
constexpr size_t kCachedBytes = 32 * 1024 * 1024;

// The viewer's part of a cache key: a leader's answers are cut to their subtree, so
// leaders of different scopes never share one; every other role sees the same.
std::string ViewerKey(const console::Principal& p) {
  return p.role == console::Role::kLeader ? "leader:" + p.scope : "all";
}

// `compute()`'s answer for `key`, kept while the data version is unchanged. The version
// is read before computing: data that changes meanwhile publishes an event and so moves
// the version, which keeps this answer from being served after it.
console::Response Cached(const ApiContext& api, console::AnswerCache& cache, const std::string& key,
                         const std::function<console::Response()>& compute) {
  if (!api.backend.data_version) return compute();
  const uint64_t version = api.backend.data_version();
  if (auto hit = cache.Find(key, version)) return std::move(*hit);
  console::Response answer = compute();
  cache.Put(key, version, answer);
  return answer;
}

// The summary cut to what the principal may see (the counts follow the lists).
services::ShiftSummary VisibleSummary(const ApiContext& api, const console::Principal& p,
                                      services::ShiftSummary s) {
  auto school = [](const auto& item) { return item.school_id; };
  api.CutToView(p, s.opened, school);
  api.CutToView(p, s.acknowledged, school);
  api.CutToView(p, s.resolved, school);
  api.CutToView(p, s.still_open, school);
  api.CutToView(p, s.incidents, [](const store::StoredReport& r) { return r.report.school_id; });
  return s;
}

}  // namespace

std::string ViewedUnit(const ApiContext& api, const console::RouteContext& c) {
  const console::Principal& p = *c.principal;
  const std::string unit = QueryValue(c, "unit");
  if (p.role != console::Role::kLeader) return unit;
  // A leader without a scope would otherwise fall back to the whole organisation.
  if (p.scope.empty()) throw console::ApiError(403, "forbidden", "this leader has no scope");
  if (unit.empty()) return p.scope;
  if (!api.backend.in_subtree(unit, p.scope))
    throw console::ApiError(404, "not_found", "no unit " + unit);
  return unit;
}

void AddOverviewRoutes(console::Router& r, ApiPtr api) {
  r.Add({"GET", "/api/v1/status", console::Permission::kViewStatus, false,
         [api](const console::RouteContext&) {
           return console::JsonResponse(
               200, services::ToJson(CallService([&] { return api->status().Status(); })));
         }});
  // The key: the command's arguments (normalised: what the query and the viewer's
  // scope made of them) and the viewer.
  auto cache = std::make_shared<console::AnswerCache>(kCachedAnswers, kCachedBytes);
  r.Add({"GET", "/api/v1/board", console::Permission::kViewAlerts, false,
         [api, cache](const console::RouteContext& c) {
           services::BoardQuery q;
           json args = json::object();
           const std::string date = QueryValue(c, "date");
           if (!date.empty()) args["date"] = date;
           if (auto unit = ViewedUnit(*api, c); !unit.empty()) args["unit"] = q.unit = unit;
           if (!date.empty()) q.date = CallService([&] { return services::ParseDayText(date); });
           return Cached(*api, *cache, "board " + args.dump() + " " + ViewerKey(*c.principal), [&] {
             return console::JsonResponse(
                 200, services::ToJson(CallService([&] { return api->overview().Board(q); })));
           });
         }});
  r.Add({"GET", "/api/v1/board/schools", console::Permission::kViewAlerts, false,
         [api, cache](const console::RouteContext& c) {
           services::BoardSchoolsQuery q;
           q.limit = RequestedLimit(c, 10000);
           json args{{"limit", q.limit}};
           for (const char* key : {"window", "requirement", "status"}) {
             if (auto v = QueryValue(c, key); !v.empty()) args[key] = v;
           }
           q.window = QueryValue(c, "window");
           q.requirement = QueryValue(c, "requirement");
           if (auto unit = ViewedUnit(*api, c); !unit.empty()) args["unit"] = q.unit = unit;
           if (auto s = QueryValue(c, "status"); !s.empty()) {
             q.status = CallService([&] { return services::ParseStatusText(s); });
           }
           const console::Principal& p = *c.principal;
           return Cached(*api, *cache, "board.schools " + args.dump() + " " + ViewerKey(p), [&] {
             auto rows = CallService([&] { return api->overview().BoardSchools(q); });
             api->CutToView(
                 p, rows, [](const services::BoardSchoolRow& r) { return r.school_id; },
                 static_cast<size_t>(q.limit));
             return console::JsonResponse(200, services::ToJson(rows));
           });
         }});
  r.Add({"GET", "/api/v1/deadlines", console::Permission::kViewAlerts, false,
         [api](const console::RouteContext& c) {
           // The unit's subtree: a leader's deadlines count only their schools.
           const services::DeadlinesQuery q{ViewedUnit(*api, c), RequestedLimit(c, 10)};
           return console::JsonResponse(
               200, services::ToJson(CallService([&] { return api->status().NextDeadlines(q); })));
         }});
  r.Add({"GET", "/api/v1/missing", console::Permission::kViewAlerts, false,
         [api](const console::RouteContext& c) {
           const int limit = RequestedLimit(c, 200);
           const console::Principal& p = *c.principal;
           // Leaders: ask for more and keep those in scope.
           auto missing = CallService([&] {
             return api->status().Missing(p.role == console::Role::kLeader ? 10000 : limit);
           });
           api->CutToView(
               p, missing, [](const services::MissingReport& m) { return m.school_id; },
               static_cast<size_t>(limit));
           return console::JsonResponse(200, services::ToJson(missing));
         }});
  r.Add({"GET", "/api/v1/handover", console::Permission::kViewAlerts, false,
         [api](const console::RouteContext& c) {
           services::ShiftQuery q;
           if (auto since = QueryValue(c, "since"); !since.empty()) {
             q.since = CallService([&] { return services::ParseInstantArg("since", since); });
           }
           q.unit = ViewedUnit(*api, c);
           const services::ShiftSummary summary =
               CallService([&] { return api->duty().Summary(q); });
           return console::JsonResponse(
               200, services::ToJson(VisibleSummary(*api, *c.principal, summary)));
         }});
}

}  // namespace pingan::api

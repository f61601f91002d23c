// Reference routes of the duty console: schools (list and one school's page with its
// on-time record), calendars with the next deadlines, duty rosters (who is on duty
// now, the holes ahead). Leaders see only their subtree: a school outside it answers
// 404, lists are filtered by unit.
#include "daemon/console/api_context.h"

namespace pingan::console {
namespace {

using nlohmann::json;

// ?key=N within [lo, hi], or nullopt when absent; 400 otherwise.
std::optional<int> IntQuery(const RouteContext& c, const char* key, int lo, int hi) {
  const std::string text = QueryValue(c, key);
  if (text.empty()) return std::nullopt;
  int value = 0;
  try {
    size_t used = 0;
    value = std::stoi(text, &used);
    if (used != text.size()) throw std::invalid_argument(text);
  } catch (const std::exception&) {
    throw ApiError(400, "bad_request", std::string(key) + " must be a number");
  }
  if (value < lo || value > hi) {
    throw ApiError(400, "bad_request",
                   std::string(key) + " must be " + std::to_string(lo) + ".." + std::to_string(hi));
  }
  return value;
}

// `answer[list]` keeping only the items whose `key` unit the principal may see.
json ScopeList(const ApiContext& api, const Principal& p, json answer, const char* list,
               const char* key) {
  if (p.role != Role::kLeader || !answer.contains(list)) return answer;
  const json& items = answer[list];
  answer[list] = Scoped(api, p, items, key, static_cast<int>(items.size()) + 1);
  return answer;
}

Response Schools(const ApiContext& api, const RouteContext& c) {
  const int limit = RequestedLimit(c, 200);
  const Principal& p = *c.principal;
  json args{{"limit", limit}};
  if (auto q = QueryValue(c, "q"); !q.empty()) args["q"] = q;
  if (auto unit = ViewedUnit(api, c); !unit.empty()) args["unit"] = unit;
  return JsonResponse(200, Scoped(api, p, api.backend.command("schools", args), "id", limit));
}

Response School(const ApiContext& api, const RouteContext& c) {
  const std::string id = c.params.at("id");
  // Outside a leader's subtree is answered exactly like "does not exist".
  if (!api.Visible(*c.principal, id)) throw ApiError(404, "not_found", "no school " + id);
  json args{{"id", id}};
  if (auto days = IntQuery(c, "days", 1, 366)) args["days"] = *days;
  return JsonResponse(200, api.backend.command("school.show", args));
}

// Calendars, requirements and deadlines of the viewed unit's subtree: a leader sees
// neither the periods nor the requirements nor the school counts of other districts.
Response Calendars(const ApiContext& api, const RouteContext& c) {
  json args = json::object();
  if (auto unit = ViewedUnit(api, c); !unit.empty()) args["unit"] = unit;
  json out = api.backend.command("calendar.show", args);
  args["limit"] = 10;
  out["next_deadlines"] = api.backend.command("deadlines.next", args);
  return JsonResponse(200, out);
}

Response Rosters(const ApiContext& api, const RouteContext& c) {
  json args = json::object();
  if (auto at = QueryValue(c, "at"); !at.empty()) args["at"] = at;
  if (auto unit = ViewedUnit(api, c); !unit.empty()) args["unit"] = unit;
  return JsonResponse(200, ScopeList(api, *c.principal, api.backend.command("rosters", args),
                                     "rosters", "unit_id"));
}

Response RosterGaps(const ApiContext& api, const RouteContext& c) {
  json args = json::object();
  if (auto days = IntQuery(c, "days", 1, 366)) args["days"] = *days;
  // The command counts rosters of the unit's subtree only; the list is cut again here.
  if (auto unit = ViewedUnit(api, c); !unit.empty()) args["unit"] = unit;
  return JsonResponse(200, ScopeList(api, *c.principal, api.backend.command("rosters.gaps", args),
                                     "gaps", "unit_id"));
}

}  // namespace

void AddSchoolRoutes(Router& r, ApiPtr api) {
  r.Add({"GET", "/api/v1/schools", Permission::kViewAlerts, false,
         [api](const RouteContext& c) { return Schools(*api, c); }});
  r.Add({"GET", "/api/v1/schools/{id}", Permission::kViewAlerts, false,
         [api](const RouteContext& c) { return School(*api, c); }});
  r.Add({"GET", "/api/v1/calendars", Permission::kViewAlerts, false,
         [api](const RouteContext& c) { return Calendars(*api, c); }});
  r.Add({"GET", "/api/v1/rosters", Permission::kViewAlerts, false,
         [api](const RouteContext& c) { return Rosters(*api, c); }});
  r.Add({"GET", "/api/v1/rosters/gaps", Permission::kViewAlerts, false,
         [api](const RouteContext& c) { return RosterGaps(*api, c); }});
}

}  // namespace pingan::console

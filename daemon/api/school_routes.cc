// Reference routes of the duty console: schools (list and one school's page with its
// on-time record, whom to call about it), calendars with the next deadlines, duty rosters (who is
// on duty now, the holes ahead). Leaders see only their subtree: a school outside it answers 404,
// lists are filtered by unit.
#include "daemon/api/api_context.h"

namespace pingan::api {
namespace {

using nlohmann::json;

// ?key=N within [lo, hi], or nullopt when absent; 400 otherwise.
std::optional<int> IntQuery(const console::RouteContext& c, const char* key, int lo, int hi) {
  const std::string text = QueryValue(c, key);
  if (text.empty()) return std::nullopt;
  int value = 0;
  try {
    size_t used = 0;
    value = std::stoi(text, &used);
    if (used != text.size()) throw std::invalid_argument(text);
  } catch (const std::exception&) {
    throw console::ApiError(400, "bad_request", std::string(key) + " must be a number");
  }
  if (value < lo || value > hi) {
    throw console::ApiError(
        400, "bad_request",
        std::string(key) + " must be " + std::to_string(lo) + ".." + std::to_string(hi));
  }
  return value;
}

// `answer[list]` keeping only the items whose `key` unit the principal may see.
json ScopeList(const ApiContext& api, const console::Principal& p, json answer, const char* list,
               const char* key) {
  if (p.role != console::Role::kLeader || !answer.contains(list)) return answer;
  const json& items = answer[list];
  answer[list] = Scoped(api, p, items, key, static_cast<int>(items.size()) + 1);
  return answer;
}

console::Response Schools(const ApiContext& api, const console::RouteContext& c) {
  const int limit = RequestedLimit(c, 200);
  const console::Principal& p = *c.principal;
  json args{{"limit", limit}};
  if (auto q = QueryValue(c, "q"); !q.empty()) args["q"] = q;
  if (auto unit = ViewedUnit(api, c); !unit.empty()) args["unit"] = unit;
  return console::JsonResponse(200,
                               Scoped(api, p, api.backend.command("schools", args), "id", limit));
}

console::Response School(const ApiContext& api, const console::RouteContext& c) {
  const std::string id = c.params.at("id");
  // Outside a leader's subtree is answered exactly like "does not exist".
  if (!api.Visible(*c.principal, id)) throw console::ApiError(404, "not_found", "no school " + id);
  json args{{"id", id}};
  if (auto days = IntQuery(c, "days", 1, 366)) args["days"] = *days;
  return console::JsonResponse(200, api.backend.command("school.show", args));
}

// Whom to call about a school: its own and its district's contacts and who is on duty
// for each now. The units above a leader's subtree are named too (a leader calls the
// bureau above), but a school outside it is 404 like any other.
console::Response SchoolContacts(const ApiContext& api, const console::RouteContext& c) {
  const std::string id = c.params.at("id");
  if (!api.Visible(*c.principal, id)) throw console::ApiError(404, "not_found", "no school " + id);
  return console::JsonResponse(200, api.backend.command("contacts", {{"school", id}}));
}

// Calendars, requirements and deadlines of the viewed unit's subtree: a leader sees
// neither the periods nor the requirements nor the school counts of other districts.
console::Response Calendars(const ApiContext& api, const console::RouteContext& c) {
  json args = json::object();
  if (auto unit = ViewedUnit(api, c); !unit.empty()) args["unit"] = unit;
  json out = api.backend.command("calendar.show", args);
  args["limit"] = 10;
  out["next_deadlines"] = api.backend.command("deadlines.next", args);
  return console::JsonResponse(200, out);
}

console::Response Rosters(const ApiContext& api, const console::RouteContext& c) {
  json args = json::object();
  if (auto at = QueryValue(c, "at"); !at.empty()) args["at"] = at;
  if (auto unit = ViewedUnit(api, c); !unit.empty()) args["unit"] = unit;
  return console::JsonResponse(
      200,
      ScopeList(api, *c.principal, api.backend.command("rosters", args), "rosters", "unit_id"));
}

console::Response RosterGaps(const ApiContext& api, const console::RouteContext& c) {
  json args = json::object();
  if (auto days = IntQuery(c, "days", 1, 366)) args["days"] = *days;
  // The command counts rosters of the unit's subtree only; the list is cut again here.
  if (auto unit = ViewedUnit(api, c); !unit.empty()) args["unit"] = unit;
  return console::JsonResponse(
      200,
      ScopeList(api, *c.principal, api.backend.command("rosters.gaps", args), "gaps", "unit_id"));
}

}  // namespace

void AddSchoolRoutes(console::Router& r, ApiPtr api) {
  r.Add({"GET", "/api/v1/schools", console::Permission::kViewAlerts, false,
         [api](const console::RouteContext& c) { return Schools(*api, c); }});
  r.Add({"GET", "/api/v1/schools/{id}", console::Permission::kViewAlerts, false,
         [api](const console::RouteContext& c) { return School(*api, c); }});
  r.Add({"GET", "/api/v1/schools/{id}/contacts", console::Permission::kViewAlerts, false,
         [api](const console::RouteContext& c) { return SchoolContacts(*api, c); }});
  r.Add({"GET", "/api/v1/calendars", console::Permission::kViewAlerts, false,
         [api](const console::RouteContext& c) { return Calendars(*api, c); }});
  r.Add({"GET", "/api/v1/rosters", console::Permission::kViewAlerts, false,
         [api](const console::RouteContext& c) { return Rosters(*api, c); }});
  r.Add({"GET", "/api/v1/rosters/gaps", console::Permission::kViewAlerts, false,
         [api](const console::RouteContext& c) { return RosterGaps(*api, c); }});
}

}  // namespace pingan::api

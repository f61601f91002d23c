// Reference routes of the duty console: schools (list and one school's page with its
// on-time record, whom to call about it), calendars with the next deadlines, duty rosters
// (who is on duty now, the holes ahead), over the typed services (SchoolService,
// DutyService, StatusService). Leaders see only their subtree: a school outside it
// answers 404, the services get the leader's unit and typed lists are cut again here.
#include "daemon/api/api_context.h"
#include "daemon/api/service_errors.h"
#include "daemon/services/duty_json.h"
#include "daemon/services/school_json.h"
#include "daemon/services/status_json.h"

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

// The school of the path, or 404 when a leader may not see it: outside a leader's
// subtree is answered exactly like "does not exist".
std::string VisibleSchool(const ApiContext& api, const console::RouteContext& c) {
  std::string id = c.params.at("id");
  if (!api.Visible(*c.principal, id)) throw console::ApiError(404, "not_found", "no school " + id);
  return id;
}

console::Response SchoolList(const ApiContext& api, const console::RouteContext& c) {
  const services::SchoolsQuery q{ViewedUnit(api, c), QueryValue(c, "q"), RequestedLimit(c, 200)};
  auto rows = CallService([&] { return api.schools().List(q); });
  api.CutToView(*c.principal, rows, [](const services::SchoolRow& s) { return s.id; });
  return console::JsonResponse(200, services::ToJson(rows));
}

console::Response School(const ApiContext& api, const console::RouteContext& c) {
  services::SchoolQuery q{VisibleSchool(api, c)};
  if (auto days = IntQuery(c, "days", 1, 366)) q.days = *days;
  return console::JsonResponse(
      200, services::ToJson(CallService([&] { return api.schools().Show(q); })));
}

// Whom to call about a school: its own and its district's contacts and who is on duty
// for each now. The units above a leader's subtree are named too (a leader calls the
// bureau above), but a school outside it is 404 like any other.
console::Response SchoolContacts(const ApiContext& api, const console::RouteContext& c) {
  const std::string id = VisibleSchool(api, c);
  return console::JsonResponse(
      200, services::ToJson(CallService([&] { return api.duty().Contacts(id); })));
}

// Calendars, requirements and deadlines of the viewed unit's subtree: a leader sees
// neither the periods nor the requirements nor the school counts of other districts.
console::Response Calendars(const ApiContext& api, const console::RouteContext& c) {
  const std::string unit = ViewedUnit(api, c);
  const services::StatusService& status = api.status();
  json out = services::ToJson(CallService([&] { return status.Calendar(unit); }));
  out["next_deadlines"] = services::ToJson(CallService([&] {
    return status.NextDeadlines({unit, 10});
  }));
  return console::JsonResponse(200, out);
}

console::Response Rosters(const ApiContext& api, const console::RouteContext& c) {
  services::RostersQuery q;
  if (auto at = QueryValue(c, "at"); !at.empty()) {
    q.at = CallService([&] { return services::ParseInstantArg("at", at); });
  }
  q.unit = ViewedUnit(api, c);
  services::RosterListing listing = CallService([&] { return api.duty().Rosters(q); });
  api.CutToView(*c.principal, listing.rosters,
                [](const services::RosterView& r) { return r.unit_id; });
  return console::JsonResponse(200, services::ToJson(listing));
}

console::Response RosterGaps(const ApiContext& api, const console::RouteContext& c) {
  services::GapsQuery q;
  if (auto days = IntQuery(c, "days", 1, 366)) q.days = *days;
  // The service counts rosters of the unit's subtree only; the list is cut again here.
  q.unit = ViewedUnit(api, c);
  services::GapListing gaps = CallService([&] { return api.duty().Gaps(q); });
  api.CutToView(*c.principal, gaps.gaps, [](const core::CoverageGap& g) { return g.unit_id; });
  return console::JsonResponse(200, services::ToJson(gaps));
}

}  // namespace

void AddSchoolRoutes(console::Router& r, ApiPtr api) {
  r.Add({"GET", "/api/v1/schools", console::Permission::kViewAlerts, false,
         [api](const console::RouteContext& c) { return SchoolList(*api, c); }});
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

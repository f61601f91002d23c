// ApiContext: what every /api/v1 route group shares — the AuthService, the daemon
// backend (typed services, subtree test, database path, change notifications) — and the small
// helpers the handlers use to read bodies and queries and to cut typed lists to a leader's subtree.
// Each route group lives in its own file and registers itself through one Add*Routes(Router&,
// ApiPtr) function; RegisterApiRoutes calls them all. Handlers run where their route says
// (console::Runs; the read pool by default).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "daemon/api/api_routes.h"
#include "daemon/console/auth.h"
#include "daemon/console/router.h"
#include "daemon/services/control_server.h"

namespace pingan::api {

struct ApiContext {
  console::AuthService& auth;
  ApiBackend backend;

  // Whether the principal may see objects of `school_id` (leaders: their subtree only).
  bool Visible(const console::Principal& p, const std::string& school_id) const {
    return p.role != console::Role::kLeader || backend.in_subtree(school_id, p.scope);
  }
  // The typed services the routes call, through Need: 503 when the daemon did not wire
  // one (tests of other routes). Defined in api_routes.cc.
  const services::OverviewService& overview() const;
  const services::StatusService& status() const;
  const services::SchoolService& schools() const;
  const services::DutyService& duty() const;
  const services::AlertService& alerts() const;
  const services::IncidentService& incidents() const;
  const services::ExemptionService& exemptions() const;
  const services::StatsService& stats() const;
  const services::HandoverService& handovers() const;
  const services::AdminService& admin() const;
  const services::ClockService& clock() const;
  // Drops the items whose school or unit (`where(item)`) the principal may not see, then
  // keeps at most `limit`: a leader's view of a typed list.
  template <typename T, typename Where>
  void CutToView(const console::Principal& p, std::vector<T>& items, Where where,
                 size_t limit = SIZE_MAX) const {
    std::erase_if(items, [&](const T& item) { return !Visible(p, where(item)); });
    if (items.size() > limit) items.resize(limit);
  }
  // Tells open consoles that an object changed ("alert.updated", id); no-op when the
  // daemon did not wire it (tests of single routes).
  void Changed(const std::string& event, const std::string& id) const {
    if (backend.on_alert_changed) backend.on_alert_changed(event, id);
  }
};
using ApiPtr = std::shared_ptr<ApiContext>;

// The typed service a route needs; 503 when the daemon did not wire it (tests of other
// routes). The one such check: the ApiContext accessors above use it.
template <typename Service>
const Service& Need(const Service* service, const char* name) {
  if (service == nullptr) {
    throw console::ApiError(503, "unavailable",
                            std::string("the ") + name + " service is not running");
  }
  return *service;
}

// The request body as a JSON object ({} when empty); 400 otherwise.
nlohmann::json Body(const console::RouteContext& c);
// body[key] as non-empty text; 400 naming the key otherwise.
std::string Text(const nlohmann::json& body, const char* key);
// body[key] as text, "" when absent or null; 400 when it is something else.
std::string OptionalText(const nlohmann::json& body, const char* key);
// ?limit=N (1..10000), or `fallback`; 400 when it is not a number in range.
int RequestedLimit(const console::RouteContext& c, int fallback);
// The query value, or "" when absent.
std::string QueryValue(const console::RouteContext& c, const char* key);
// The unit a scoped page is about: ?unit= or, for a leader, their scope ("" for others:
// the command's default); 404 when a leader asks for a unit outside their subtree.
std::string ViewedUnit(const ApiContext& api,
                       const console::RouteContext& c);  // overview_routes.cc

// Route groups (one file each).
void AddSessionRoutes(console::Router& r, ApiPtr api);   // api_routes.cc
void AddAlertRoutes(console::Router& r, ApiPtr api);     // api_routes.cc
void AddOverviewRoutes(console::Router& r, ApiPtr api);  // overview_routes.cc
void AddIncidentRoutes(console::Router& r, ApiPtr api);  // incident_route.cc (incidents, audit)
void AddSchoolRoutes(console::Router& r,
                     ApiPtr api);  // school_routes.cc (schools, calendars, rosters)
void AddAdminRoutes(console::Router& r,
                    ApiPtr api);  // admin_routes.cc (users, keys, import, export)
void AddExemptionRoutes(console::Router& r, ApiPtr api);  // exemption_routes.cc (免报)
void AddStatsRoutes(console::Router& r, ApiPtr api);      // stats_routes.cc (/stats)
void AddWallRoutes(console::Router& r, ApiPtr api);       // wall_routes.cc (大屏)
void AddHandoverRoutes(console::Router& r, ApiPtr api);   // handover_routes.cc (交接班)

}  // namespace pingan::api

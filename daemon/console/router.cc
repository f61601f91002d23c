#include "daemon/console/router.h"

#include <spdlog/spdlog.h>

#include <stdexcept>

namespace pingan::console {
namespace {

std::vector<std::string> Split(const std::string& path) {
  std::vector<std::string> parts;
  size_t start = 1;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    parts.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

}  // namespace

std::string_view PermissionName(Permission p) {
  switch (p) {
    case Permission::kPublic:
      return "public";
    case Permission::kSession:
      return "session";
    case Permission::kViewStatus:
      return "view_status";
    case Permission::kViewAlerts:
      return "view_alerts";
    case Permission::kActOnAlerts:
      return "act_on_alerts";
    case Permission::kViewIncidents:
      return "view_incidents";
    case Permission::kReadIncidentText:
      return "read_incident_text";
    case Permission::kViewAudit:
      return "view_audit";
    case Permission::kActOnIncidents:
      return "act_on_incidents";
    case Permission::kAdmin:
      return "admin";
  }
  return "?";
}

bool RoleHas(Role role, Permission p) {
  switch (p) {
    case Permission::kPublic:
    case Permission::kSession:
    case Permission::kViewAlerts:
    case Permission::kViewIncidents:
      return true;
    case Permission::kViewStatus:
      return role != Role::kLeader;  // counts of everyone
    case Permission::kActOnAlerts:
    case Permission::kActOnIncidents:
    case Permission::kReadIncidentText:
      return role != Role::kAuditor;  // auditors read only
    case Permission::kViewAudit:
      return role == Role::kAdmin || role == Role::kAuditor;
    case Permission::kAdmin:
      return role == Role::kAdmin;
  }
  return false;
}

bool MatchPattern(const std::string& pattern, const std::string& path,
                  std::map<std::string, std::string>* params) {
  if (path.empty() || path[0] != '/') return false;
  const auto want = Split(pattern);
  const auto got = Split(path);
  if (want.size() != got.size()) return false;
  std::map<std::string, std::string> found;
  for (size_t i = 0; i < want.size(); ++i) {
    const std::string& w = want[i];
    if (w.size() > 2 && w.front() == '{' && w.back() == '}') {
      if (got[i].empty()) return false;
      found[w.substr(1, w.size() - 2)] = UrlDecode(got[i]);
    } else if (w != got[i]) {
      return false;
    }
  }
  *params = std::move(found);
  return true;
}

void Router::Add(Route route) {
  if (!route.permission) {
    throw std::logic_error("route " + route.method + " " + route.pattern +
                           " declares no permission (deny by default)");
  }
  if (!route.handler) throw std::logic_error("route " + route.pattern + " has no handler");
  for (const Route& r : routes_) {
    if (r.method == route.method && r.pattern == route.pattern) {
      throw std::logic_error("duplicate route " + route.method + " " + route.pattern);
    }
  }
  routes_.push_back(std::move(route));
}

std::optional<Principal> Router::Authenticate(const Request& request) const {
  const std::string authorization = request.Header("authorization");
  if (authorization.rfind("Bearer ", 0) == 0) return auth_.FromApiToken(authorization.substr(7));
  const std::string cookie = CookieValue(request.Header("cookie"), kSessionCookie);
  return auth_.FromSession(cookie);
}

Response Router::Handle(const Request& request) const {
  const size_t q = request.target.find('?');
  const std::string path = request.target.substr(0, q);
  bool path_known = false;
  for (const Route& route : routes_) {
    std::map<std::string, std::string> params;
    if (!MatchPattern(route.pattern, path, &params)) continue;
    path_known = true;
    if (route.method != request.method) continue;
    std::optional<Principal> principal;
    if (*route.permission != Permission::kPublic) {
      principal = Authenticate(request);
      if (!principal) return ErrorResponse(401, "unauthenticated", "sign in first");
      // Cookies ride along with any request the browser makes; the CSRF header proves
      // the page itself sent it. Bearer tokens are not ambient, so they are exempt.
      if (route.changes_state && principal->via_cookie &&
          !SameSecret(request.Header("x-csrf-token"), principal->csrf_token)) {
        return ErrorResponse(403, "csrf", "missing or wrong X-CSRF-Token header");
      }
      if (!RoleHas(principal->role, *route.permission)) {
        return ErrorResponse(403, "forbidden", "your role may not do this");
      }
    }
    RouteContext context{request, principal ? &*principal : nullptr, std::move(params),
                         ParseQuery(q == std::string::npos ? "" : request.target.substr(q + 1))};
    try {
      return route.handler(context);
    } catch (const ApiError& e) {
      return ErrorResponse(e.status, e.code, e.what());
    } catch (const nlohmann::json::exception& e) {
      return ErrorResponse(400, "bad_request", std::string("bad JSON: ") + e.what());
    } catch (const std::exception& e) {
      spdlog::error("{} {} failed: {}", request.method, path, e.what());
      return ErrorResponse(500, "internal", "internal error");
    }
  }
  if (path_known) return ErrorResponse(405, "method_not_allowed", "method not allowed here");
  return ErrorResponse(404, "not_found", "no such resource");
}

}  // namespace pingan::console

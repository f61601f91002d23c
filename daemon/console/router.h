// Router: the API as a pure function from Request to Response, with its route table.
//
// Each route declares its method, a path pattern ("/api/v1/alerts/{id}"), the
// permission it needs and whether it changes state. Deny by default: Add() refuses a
// route without a declared permission (std::logic_error at start-up), and a role has
// only the permissions RoleHas() lists. Handle() matches the path (404), the method
// (405), authenticates the caller by session cookie or `Authorization: Bearer` API
// token (401), checks the CSRF header of cookie requests that change state (403) and
// the role's permission (403), then runs the handler. Errors are JSON
// {"error": {"code", "message"}}. Single-threaded (the io thread).
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "daemon/console/auth.h"
#include "daemon/console/http_types.h"

namespace pingan::console {

enum class Permission {
  kPublic,            // no session needed (login only)
  kSession,           // any signed-in principal (session info, logout)
  kViewStatus,        // daemon status and the board (whole organisation)
  kViewAlerts,        // deadlines, missing list, alerts (leaders: their subtree)
  kActOnAlerts,       // acknowledge, resolve
  kViewIncidents,     // incident facts (counts, category, severity)
  kReadIncidentText,  // the protected summary; every read is audited
  kViewAudit,
  kActOnIncidents,  // case owner (包案), follow-up notes, closure (leaders: subtree)
  kAdmin,           // users, tokens, school keys, school import, drill clock
};
inline constexpr Permission kLastPermission = Permission::kAdmin;
std::string_view PermissionName(Permission p);
bool RoleHas(Role role, Permission p);

inline constexpr const char* kSessionCookie = "pingan_session";

struct RouteContext {
  const Request& request;
  const Principal* principal;                 // null only on kPublic routes
  std::map<std::string, std::string> params;  // from the path pattern
  std::map<std::string, std::string> query;
};

using RouteHandler = std::function<Response(const RouteContext&)>;

struct Route {
  std::string method;
  std::string pattern;
  std::optional<Permission> permission;  // must be set: deny by default
  bool changes_state = false;
  RouteHandler handler;
};

class Router {
 public:
  explicit Router(AuthService& auth) : auth_(auth) {}

  // Throws std::logic_error for a route without permission or a duplicate.
  void Add(Route route);
  Response Handle(const Request& request) const;
  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::optional<Principal> Authenticate(const Request& request) const;

  AuthService& auth_;
  std::vector<Route> routes_;
};

// Matches "/api/v1/alerts/{id}" against a path; fills `params` on success.
bool MatchPattern(const std::string& pattern, const std::string& path,
                  std::map<std::string, std::string>* params);

}  // namespace pingan::console

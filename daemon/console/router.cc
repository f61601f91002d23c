#include "daemon/console/router.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <stdexcept>

#include "daemon/console/request_checks.h"

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

// A request with what was found out about it, kept together while a pool runs the
// handler (the RouteContext refers into it).
struct PendingRequest {
  Request request;
  std::optional<Principal> principal;
  std::map<std::string, std::string> params;
  std::map<std::string, std::string> query;
};

// Why an authenticated route refuses the caller, or nullopt when it may go on.
std::optional<Response> Refusal(const Route& route, const Request& request,
                                const std::optional<Principal>& principal) {
  if (!principal) return ErrorResponse(401, "unauthenticated", "sign in first");
  // Cookies ride along with any request the browser makes; the CSRF header proves the
  // page itself sent it. Bearer tokens are not ambient, so they are exempt.
  if (route.changes_state && principal->via_cookie &&
      !SameSecret(request.Header("x-csrf-token"), principal->csrf_token)) {
    return ErrorResponse(403, "csrf", "missing or wrong X-CSRF-Token header");
  }
  if (!RoleHas(principal->role, *route.permission)) {
    return ErrorResponse(403, "forbidden", "your role may not do this");
  }
  return std::nullopt;
}

// The handler's answer; its errors become JSON error answers.
Response RunHandler(const Route& route, const PendingRequest& p) {
  const RouteContext context{p.request, p.principal ? &*p.principal : nullptr, p.params, p.query};
  try {
    return route.handler(context);
  } catch (const ApiError& e) {
    return ErrorResponse(e.status, e.code, e.what());
  } catch (const nlohmann::json::exception& e) {
    return ErrorResponse(400, "bad_request", std::string("bad JSON: ") + e.what());
  } catch (const std::exception& e) {
    spdlog::error("{} {} failed: {}", p.request.method, route.pattern, e.what());
    return ErrorResponse(500, "internal", "internal error");
  }
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
    case Permission::kManageExemptions:
      return "manage_exemptions";
    case Permission::kAdmin:
      return "admin";
    case Permission::kViewBoard:
      return "view_board";
  }
  return "?";
}

bool RoleHas(Role role, Permission p) {
  // The wall (a kiosk screen in the duty room) reads the wall and nothing else.
  if (role == Role::kWall) {
    return p == Permission::kPublic || p == Permission::kSession || p == Permission::kViewBoard;
  }
  switch (p) {
    case Permission::kPublic:
    case Permission::kSession:
    case Permission::kViewAlerts:
    case Permission::kViewIncidents:
      return true;
    case Permission::kViewStatus:
    case Permission::kViewBoard:
      return role != Role::kLeader;  // counts of everyone
    case Permission::kActOnAlerts:
    case Permission::kActOnIncidents:
    case Permission::kReadIncidentText:
      return role != Role::kAuditor;  // auditors read only
    case Permission::kViewAudit:
      return role == Role::kAdmin || role == Role::kAuditor;
    case Permission::kManageExemptions:
      return role == Role::kAdmin || role == Role::kDutyOfficer;
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

Executors Executors::Inline() {
  Executors e;
  e.read_pool = [](Job job) {
    job();
    return true;
  };
  e.hash_pool = e.read_pool;
  e.io = [](Job job) { job(); };
  return e;
}

const Route* Router::Match(const std::string& method, const std::string& path,
                           std::map<std::string, std::string>* params, Response* missing) const {
  bool path_known = false;
  for (const Route& r : routes_) {
    if (!MatchPattern(r.pattern, path, params)) continue;
    path_known = true;
    if (r.method == method) return &r;
  }
  *missing = path_known ? ErrorResponse(405, "method_not_allowed", "method not allowed here")
                        : ErrorResponse(404, "not_found", "no such resource");
  return nullptr;
}

Admission Router::Admit(const Request& head) const {
  const std::string path = head.target.substr(0, head.target.find('?'));
  std::map<std::string, std::string> params;
  Admission admission;
  Response missing;
  const Route* route = Match(head.method, path, &params, &missing);
  if (route == nullptr) {
    admission.answer = std::move(missing);
    return admission;
  }
  if (route->json_same_origin) admission.answer = JsonSameOriginRefusal(head);
  if (admission.answer) return admission;
  if (*route->permission == Permission::kPublic) {
    admission.body_limit = std::min(route->body_limit, kPublicBodyLimit);
    return admission;
  }
  admission.answer = Refusal(*route, head, Authenticate(head));
  if (!admission.answer) admission.body_limit = route->body_limit;
  return admission;
}

void Router::HandleAsync(Request request, const Executors& executors,
                         std::function<void(Response)> done) const {
  const size_t q = request.target.find('?');
  const std::string path = request.target.substr(0, q);
  auto pending = std::make_shared<PendingRequest>();
  Response missing;
  const Route* route = Match(request.method, path, &pending->params, &missing);
  if (route == nullptr) return done(std::move(missing));
  if (route->json_same_origin) {
    if (auto refused = JsonSameOriginRefusal(request)) return done(*refused);
  }
  if (*route->permission != Permission::kPublic) {
    pending->principal = Authenticate(request);
    if (auto refused = Refusal(*route, request, pending->principal)) return done(*refused);
  }
  pending->query = ParseQuery(q == std::string::npos ? "" : request.target.substr(q + 1));
  pending->request = std::move(request);
  if (route->runs == Runs::kIo) return done(RunHandler(*route, *pending));
  const auto& pool = route->runs == Runs::kReadPool ? executors.read_pool : executors.hash_pool;
  const bool queued =
      pool([route, pending, io = executors.io, after = executors.after_writes, done] {
        // Moved, not copied: an answer may be a multi-megabyte export.
        auto deliver = [io, done, answer = RunHandler(*route, *pending)]() mutable {
          io([done, answer = std::move(answer)]() mutable { done(std::move(answer)); });
        };
        if (route->changes_state && after) return after(std::move(deliver));
        deliver();
      });
  if (!queued) {
    Response busy = ErrorResponse(503, "busy", "the server is busy; try again in a moment");
    busy.headers.emplace_back("Retry-After", "1");
    done(std::move(busy));
  }
}

Response Router::Handle(const Request& request) const {
  static const Executors kInline = Executors::Inline();
  Response answer;
  HandleAsync(request, kInline, [&answer](Response r) { answer = std::move(r); });
  return answer;
}

}  // namespace pingan::console

// Router: the API as a function from Request to Response, with its route table.
//
// Each route declares its method, a path pattern ("/api/v1/alerts/{id}"), the
// permission it needs, whether it changes state, and where its handler runs. Deny by
// default: Add() refuses a route without a declared permission (std::logic_error at
// start-up), and a role has only the permissions RoleHas() lists. HandleAsync()
// matches the path (404), the method (405), refuses a login that is not same-origin JSON
// (415, 403: login CSRF), authenticates the caller by session cookie
// or `Authorization: Bearer` API token (401), checks the CSRF header of cookie
// requests that change state (403) and the role's permission (403), then runs the
// handler where the route says: on the calling (io) thread for routes that only touch
// memory owned by it (session, logout, event streams, web assets), or on the read pool
// (SQLite reads, commands) or the hash pool (Argon2id) — a full pool answers 503 with
// Retry-After instead of queueing without bound. The answer is handed to `done` on the
// io thread; for a pool route that changes state, once the writes it posted were
// applied (Executors::after_writes: read-your-writes for the console). Errors are JSON {"error":
// {"code", "message"}}.
//
// Threading: HandleAsync and Handle on the io thread; handlers of pool routes run on
// pool threads, several at once, and must touch only thread-safe state (the
// AuthService, ScheduleSource, read connections, StoreWriter::Post, ...). Handle() runs
// everything inline on the caller's thread (tests, pinganctl-free tools).
#pragma once

#include <functional>
#include <map>
#include <memory>
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
  kActOnIncidents,    // case owner (包案), follow-up notes, closure (leaders: subtree)
  kManageExemptions,  // make and withdraw exemptions (免报): admins and duty officers
  kAdmin,             // users, tokens, school keys, school import, drill clock
  kViewBoard,         // the wall (大屏): open incidents, missed reports, today's counts;
                      // the only permission of the wall role beside its own session
};
inline constexpr Permission kLastPermission = Permission::kViewBoard;
std::string_view PermissionName(Permission p);
bool RoleHas(Role role, Permission p);

inline constexpr const char* kSessionCookie = "pingan_session";

// Body limits. Unauthenticated bodies (login) stay small whatever the route says;
// signed-in JSON requests get kJsonBodyLimit unless their route declares more (the
// school import).
inline constexpr size_t kPublicBodyLimit = 4 * 1024;
inline constexpr size_t kJsonBodyLimit = 64 * 1024;

// Where a route's handler runs (see above).
enum class Runs {
  kIo,        // the io thread: memory only, microseconds
  kReadPool,  // database reads and commands (their writes are posts to the writer)
  kHashPool,  // password hashing and verification
};

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
  // The read pool unless said otherwise: only handlers that touch nothing but memory
  // owned by the io thread belong there (tests/console/worker_pool_test.cc lists them).
  Runs runs = Runs::kReadPool;
  // Set the fields below by name, never positionally (a bool would silently become a
  // body limit).
  // For state changes no session guards (login): the body must be declared
  // application/json (415) and an Origin header, when present, must name this server
  // (403). Checked on the head, before the body is read (request_checks.h).
  bool json_same_origin = false;
  // The largest body this route reads (for a caller it admits; see Router::Admit).
  size_t body_limit = kJsonBodyLimit;
};

// What may be read of a request once its head (method, target, headers) is in: the
// body limit of its route, or the answer to give at once, without reading the body.
struct Admission {
  size_t body_limit = 0;
  std::optional<Response> answer;
};

// How HandleAsync reaches the threads. The pools' functions return false when their
// queue is full (the request is answered 503); `io` posts to the io thread.
struct Executors {
  using Job = std::function<void()>;
  std::function<bool(Job)> read_pool;
  std::function<bool(Job)> hash_pool;
  std::function<void(Job)> io;
  // Runs a job once every write posted so far has been applied (the daemon: a job on
  // the StoreWriter, whose jobs run in order). A route that changes state is answered
  // only then, so the page's next read sees the change; empty: answered at once.
  std::function<void(Job)> after_writes;
  // Everything at once on the calling thread.
  static Executors Inline();
};

class Router {
 public:
  explicit Router(AuthService& auth) : auth_(auth) {}

  // Throws std::logic_error for a route without permission or a duplicate.
  void Add(Route route);
  // `done` gets the answer on the io thread, exactly once (unless the executors drop
  // the job at shutdown).
  void HandleAsync(Request request, const Executors& executors,
                   std::function<void(Response)> done) const;
  // Decides on the head alone (its body is not read yet), on the io thread: unknown
  // paths and methods, unauthenticated or refused callers get their answer now, so an
  // anonymous peer can never make the server buffer more than kPublicBodyLimit.
  Admission Admit(const Request& head) const;
  // HandleAsync with Executors::Inline(): the answer at once.
  Response Handle(const Request& request) const;
  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::optional<Principal> Authenticate(const Request& request) const;
  // The route for `method` on `path` (params filled), or the 404/405 answer.
  const Route* Match(const std::string& method, const std::string& path,
                     std::map<std::string, std::string>* params, Response* missing) const;

  AuthService& auth_;
  std::vector<Route> routes_;
};

// Matches "/api/v1/alerts/{id}" against a path; fills `params` on success.
bool MatchPattern(const std::string& pattern, const std::string& path,
                  std::map<std::string, std::string>* params);

}  // namespace pingan::console

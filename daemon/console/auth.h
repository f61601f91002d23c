// AuthService: console users, login sessions and API tokens, with login throttling and
// the audit entries of logins.
//
// Where state lives (the decision of issue 5): the AuthService owns users, sessions
// and tokens in memory and is their authority while the daemon runs; the database is
// their persistence. Load() reads them once at start; every change is applied in
// memory at once and written through `persist`, which in the daemon posts a job to the
// StoreWriter (the only database writer). So no request waits for an fsync on the io
// thread, and a session's last_seen is persisted lazily, at most once a minute.
// Jobs run in order on the writer thread; a change is answered as accepted when posted
// (like alert.ack), and a change lost in a crash costs a re-login, never a wrong grant.
//
// Threading: thread-safe. The io thread authenticates every request (FromSession,
// FromApiToken: a map lookup) while the hash pool logs users in and the read pool runs
// user commands; one mutex guards the maps and the throttle and is never held while
// Argon2id runs (tens of ms at the interactive cost), so a login in progress does not
// hold up anyone else's request. The session-ended listener is called without the lock,
// on whichever thread ended the session.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "daemon/console/login_throttle.h"
#include "daemon/console/password.h"
#include "daemon/core/clock.h"
#include "daemon/store/auth_repository.h"
#include "daemon/store/database.h"

namespace pingan::console {

// kWall: the duty room's big screen (大屏), a read-only kiosk that may only read the
// wall (Permission::kViewBoard); its sessions never expire from idleness (see
// AuthOptions::wall_absolute_timeout).
enum class Role { kAdmin, kDutyOfficer, kLeader, kAuditor, kWall };
// "admin", "duty_officer", "leader", "auditor", "wall"
std::string_view RoleName(Role role);
std::optional<Role> ParseRole(std::string_view name);

// Who made a request, once authenticated.
struct Principal {
  std::string name;  // user name, or "token:<label>"
  Role role = Role::kAuditor;
  std::string scope;  // leaders: the org unit whose subtree they see
  bool via_cookie = false;
  std::string csrf_token;  // cookie sessions only
  std::string session_hash;
  std::string token_hash;  // API tokens only
  std::string Actor() const { return via_cookie ? "user:" + name : name; }
  // What ends this principal's access: the session, or the API token.
  const std::string& Credential() const { return via_cookie ? session_hash : token_hash; }
};

struct AuthOptions {
  core::Millis idle_timeout = std::chrono::minutes{30};
  core::Millis absolute_timeout = std::chrono::hours{12};
  // Wall (kiosk) sessions: no idle timeout, since nobody touches a wall screen, but an
  // absolute limit all the same, so that a forgotten screen's cookie does not live for
  // ever.
  core::Millis wall_absolute_timeout = std::chrono::hours{24 * 90};
  core::Millis last_seen_write_interval = std::chrono::minutes{1};
  ThrottleOptions throttle;
  PasswordCost cost = PasswordCost::kInteractive;
};

struct LoginOk {
  std::string session_token;  // goes into the cookie; only its hash is stored
  Principal principal;
};
struct LoginRefused {
  bool throttled = false;
  core::Millis retry_after{0};
};

class AuthService {
 public:
  using Job = std::function<void(store::Database&)>;
  using Persist = std::function<void(Job)>;

  AuthService(const core::Clock& clock, AuthOptions options, Persist persist);

  // Reads users, live sessions and tokens (once, at start), and posts a job that drops
  // the expired sessions from the database.
  void Load(store::AuthRepository& repository);
  // Computes the dummy hash that unknown users are verified against; call on a worker
  // at start (otherwise the first such login computes it).
  void WarmUp() const;

  // User and token management (control channel). Errors are messages for the operator.
  std::optional<std::string> AddUser(const std::string& name, const std::string& role,
                                     const std::string& scope, const std::string& password);
  std::optional<std::string> SetPassword(const std::string& name, const std::string& password);
  // Disables the user and ends all their sessions.
  std::optional<std::string> DisableUser(const std::string& name);
  // Returns the token (shown once) or an error message.
  std::variant<std::string, std::string> CreateToken(const std::string& label,
                                                     const std::string& role,
                                                     const std::string& scope);

  std::variant<LoginOk, LoginRefused> Login(const std::string& name, const std::string& password,
                                            const std::string& client_address);
  // A live session for the cookie token, refreshing its idle timer.
  std::optional<Principal> FromSession(const std::string& session_token);
  std::optional<Principal> FromApiToken(const std::string& token);
  void Logout(const Principal& principal);

  // Whether the principal's session (or API token) still grants access now. Unlike
  // FromSession it does NOT refresh the idle timer: long-lived connections (event
  // streams) ask it again and again, and holding a stream open is not activity.
  bool StillValid(const Principal& principal) const;
  // Called with the session hash whenever a session ends by logout, a disabled user,
  // a changed password, or a request finding it expired; the event hub closes that
  // session's streams with it. Expiry with no request in between is not announced:
  // StillValid answers false then. One listener; the last set wins.
  void SetSessionEndedListener(std::function<void(const std::string& session_hash)> listener);

  // Appends an audit entry (through `persist`).
  void Audit(const std::string& actor, const std::string& action, const std::string& object,
             const std::string& detail);
  const AuthOptions& options() const { return options_; }

 private:
  struct User {
    std::string hash;
    Role role = Role::kAuditor;
    std::string scope;
    bool disabled = false;
  };
  struct Session {
    std::string user;
    std::string csrf;
    core::Instant created{};
    core::Instant last_seen{};
    core::Instant persisted_seen{};
    core::Instant expires{};
  };
  struct Token {
    std::string label;
    Role role = Role::kAuditor;
    std::string scope;
  };
  std::optional<std::string> CheckRoleScope(const std::string& role, const std::string& scope,
                                            Role* parsed) const;
  // With mu_ held: removes the user's sessions and returns their hashes.
  std::vector<std::string> DropSessionsOf(const std::string& user);
  bool Live(const Session& s, core::Instant now) const;              // with mu_ held
  void Ended(const std::vector<std::string>& session_hashes) const;  // without mu_
  bool HasUser(const std::string& name) const;
  const std::string& DummyHash() const;

  const core::Clock& clock_;
  AuthOptions options_;
  Persist persist_;
  mutable std::once_flag dummy_once_;
  mutable std::string dummy_hash_;  // verified against for unknown users (same timing)
  mutable std::mutex mu_;           // guards what follows
  LoginThrottle throttle_;
  std::map<std::string, User> users_;
  std::map<std::string, Session> sessions_;  // by token hash
  std::map<std::string, Token> tokens_;      // by token hash
  std::function<void(const std::string&)> on_session_ended_;
};

}  // namespace pingan::console

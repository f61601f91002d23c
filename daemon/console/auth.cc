#include "daemon/console/auth.h"

#include <vector>

#include "daemon/store/audit_log.h"

namespace pingan::console {
namespace {

store::AuthRepository Repo(store::Database& db) {
  return store::AuthRepository(db);
}

bool ValidName(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '.')
      return false;
  }
  return true;
}

}  // namespace

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kAdmin:
      return "admin";
    case Role::kDutyOfficer:
      return "duty_officer";
    case Role::kLeader:
      return "leader";
    case Role::kAuditor:
      return "auditor";
    case Role::kWall:
      return "wall";
  }
  return "auditor";
}

std::optional<Role> ParseRole(std::string_view name) {
  for (Role r : {Role::kAdmin, Role::kDutyOfficer, Role::kLeader, Role::kAuditor, Role::kWall}) {
    if (RoleName(r) == name) return r;
  }
  return std::nullopt;
}

AuthService::AuthService(const core::Clock& clock, AuthOptions options, Persist persist)
    : clock_(clock), options_(options), persist_(std::move(persist)), throttle_(options.throttle) {}

const std::string& AuthService::DummyHash() const {
  // Computed once, when first needed or by WarmUp() on a worker: never on the start
  // path, where it would hold up report intake for a few hundred milliseconds.
  std::call_once(dummy_once_,
                 [this] { dummy_hash_ = HashPassword(RandomToken(16), options_.cost); });
  return dummy_hash_;
}

void AuthService::WarmUp() const {
  DummyHash();
}

void AuthService::Load(store::AuthRepository& repository) {
  std::lock_guard lock(mu_);
  for (store::UserRow& u : repository.LoadUsers()) {
    auto role = ParseRole(u.role);
    users_[u.name] = User{std::move(u.password_hash), role.value_or(Role::kAuditor),
                          std::move(u.scope_unit), u.disabled};
  }
  for (store::SessionRow& s : repository.LoadLiveSessions(clock_.Now())) {
    sessions_[s.token_hash] = Session{std::move(s.user_name),
                                      std::move(s.csrf_token),
                                      s.created_at,
                                      s.last_seen,
                                      s.last_seen,
                                      s.expires_at};
  }
  // Sessions past their absolute expiry are of no use to anyone: drop them.
  persist_([now = clock_.Now()](store::Database& db) { Repo(db).DeleteExpiredSessions(now); });
  for (store::TokenRow& t : repository.LoadTokens()) {
    auto role = ParseRole(t.role);
    if (!role) continue;
    tokens_[t.token_hash] = Token{std::move(t.label), *role, std::move(t.scope_unit)};
  }
}

std::optional<std::string> AuthService::CheckRoleScope(const std::string& role,
                                                       const std::string& scope,
                                                       Role* parsed) const {
  auto r = ParseRole(role);
  if (!r) return "role must be admin, duty_officer, leader, auditor or wall";
  if (*r == Role::kLeader && scope.empty()) return "a leader needs a scope (an org unit id)";
  if (*r != Role::kLeader && !scope.empty()) return "only leaders have a scope";
  *parsed = *r;
  return std::nullopt;
}

std::optional<std::string> AuthService::AddUser(const std::string& name, const std::string& role,
                                                const std::string& scope,
                                                const std::string& password) {
  if (!ValidName(name)) return "user names are 1-64 of A-Z a-z 0-9 _ - .";
  Role r;
  if (auto err = CheckRoleScope(role, scope, &r)) return err;
  if (password.size() < 10) return "passwords need at least 10 characters";
  if (HasUser(name)) return "user '" + name + "' exists";
  User user{HashPassword(password, options_.cost), r, scope, false};  // slow: unlocked
  {
    std::lock_guard lock(mu_);
    if (!users_.emplace(name, user).second) return "user '" + name + "' exists";
  }
  persist_([name, user, now = clock_.Now(), role](store::Database& db) {
    Repo(db).InsertUser(store::UserRow{name, user.hash, role, user.scope, false, now});
  });
  Audit("control", "user.add", name, "role=" + role + (scope.empty() ? "" : " scope=" + scope));
  return std::nullopt;
}

std::optional<std::string> AuthService::SetPassword(const std::string& name,
                                                    const std::string& password) {
  if (!HasUser(name)) return "no user '" + name + "'";
  if (password.size() < 10) return "passwords need at least 10 characters";
  const std::string hash = HashPassword(password, options_.cost);  // slow: unlocked
  std::vector<std::string> ended;
  {
    std::lock_guard lock(mu_);
    auto it = users_.find(name);
    if (it == users_.end()) return "no user '" + name + "'";
    it->second.hash = hash;
    ended = DropSessionsOf(name);  // a changed password ends every session of the user
  }
  Ended(ended);
  persist_([name, hash](store::Database& db) { Repo(db).SetPasswordHash(name, hash); });
  Audit("control", "user.passwd", name, "");
  return std::nullopt;
}

std::optional<std::string> AuthService::DisableUser(const std::string& name) {
  std::vector<std::string> ended;
  {
    std::lock_guard lock(mu_);
    auto it = users_.find(name);
    if (it == users_.end()) return "no user '" + name + "'";
    it->second.disabled = true;
    ended = DropSessionsOf(name);
  }
  Ended(ended);
  persist_([name](store::Database& db) { Repo(db).DisableUser(name); });
  Audit("control", "user.disable", name, "");
  return std::nullopt;
}

std::variant<std::string, std::string> AuthService::CreateToken(const std::string& label,
                                                                const std::string& role,
                                                                const std::string& scope) {
  using Result = std::variant<std::string, std::string>;
  if (!ValidName(label)) return Result(std::in_place_index<1>, "labels are 1-64 of A-Za-z0-9_-.");
  Role r;
  if (auto err = CheckRoleScope(role, scope, &r)) return Result(std::in_place_index<1>, *err);
  const std::string token = "pgt_" + RandomToken(32);
  const std::string hash = TokenHash(token);
  {
    std::lock_guard lock(mu_);
    for (const auto& [other, t] : tokens_) {
      if (t.label == label) return Result(std::in_place_index<1>, "token '" + label + "' exists");
    }
    tokens_[hash] = Token{label, r, scope};
  }
  persist_([hash, label, role, scope, now = clock_.Now()](store::Database& db) {
    Repo(db).InsertToken(store::TokenRow{hash, label, role, scope, now});
  });
  Audit("control", "token.create", label, "role=" + role);
  return Result(std::in_place_index<0>, token);
}

std::variant<LoginOk, LoginRefused> AuthService::Login(const std::string& name,
                                                       const std::string& password,
                                                       const std::string& client_address) {
  const core::Instant now = clock_.Now();
  std::string stored_hash;  // empty: no such user, or disabled
  Role role = Role::kAuditor;
  {
    std::lock_guard lock(mu_);
    if (const ThrottleVerdict v = throttle_.Check(name, client_address, now); v.refused()) {
      Audit("user:" + name, "login.throttled", client_address, std::string(v.reason));
      return LoginRefused{true, v.retry_after};
    }
    auto it = users_.find(name);
    if (it != users_.end() && !it->second.disabled) {
      stored_hash = it->second.hash;
      role = it->second.role;
    }
  }
  // The slow part, without the lock: other requests authenticate meanwhile. Unknown
  // users cost one verification too, so timing does not tell names apart.
  const bool known = !stored_hash.empty();
  const bool verified = VerifyPassword(known ? stored_hash : DummyHash(), password) && known;
  const std::string token = RandomToken(32);
  const std::string hash = TokenHash(token);
  const core::Millis lifetime =
      role == Role::kWall ? options_.wall_absolute_timeout : options_.absolute_timeout;
  Session s{name, RandomToken(32), now, now, now, now + lifetime};
  Principal principal;
  {
    std::lock_guard lock(mu_);
    auto it = users_.find(name);
    // The user may have been disabled or given a new password while we verified.
    const bool ok =
        verified && it != users_.end() && !it->second.disabled && it->second.hash == stored_hash;
    if (!ok) {
      throttle_.RecordFailure(name, client_address, now);
      Audit("user:" + name, "login.failed", client_address, known ? "" : "unknown or disabled");
      return LoginRefused{false, core::Millis{0}};
    }
    throttle_.RecordSuccess(name, client_address);
    sessions_[hash] = s;
    principal = Principal{name, it->second.role, it->second.scope, true, s.csrf, hash, ""};
  }
  persist_([hash, s](store::Database& db) {
    Repo(db).InsertSession(
        store::SessionRow{hash, s.user, s.csrf, s.created, s.last_seen, s.expires});
  });
  Audit("user:" + name, "login", client_address, "");
  return LoginOk{token, std::move(principal)};
}

std::optional<Principal> AuthService::FromSession(const std::string& session_token) {
  if (session_token.empty()) return std::nullopt;
  const std::string hash = TokenHash(session_token);
  const core::Instant now = clock_.Now();
  std::unique_lock lock(mu_);
  auto it = sessions_.find(hash);
  if (it == sessions_.end()) return std::nullopt;
  Session& s = it->second;
  if (!Live(s, now)) {
    sessions_.erase(it);
    lock.unlock();
    persist_([hash](store::Database& db) { Repo(db).DeleteSession(hash); });
    Ended({hash});
    return std::nullopt;
  }
  auto user = users_.find(s.user);
  s.last_seen = now;
  if (now - s.persisted_seen >= options_.last_seen_write_interval) {
    s.persisted_seen = now;  // lazily: at most one write per session per interval
    persist_([hash, now](store::Database& db) { Repo(db).TouchSession(hash, now); });
  }
  return Principal{s.user, user->second.role, user->second.scope, true, s.csrf, hash, ""};
}

std::optional<Principal> AuthService::FromApiToken(const std::string& token) {
  if (token.empty()) return std::nullopt;
  const std::string hash = TokenHash(token);
  std::lock_guard lock(mu_);
  auto it = tokens_.find(hash);
  if (it == tokens_.end()) return std::nullopt;
  return Principal{
      "token:" + it->second.label, it->second.role, it->second.scope, false, "", "", it->first};
}

bool AuthService::Live(const Session& s, core::Instant now) const {
  auto user = users_.find(s.user);
  if (user == users_.end() || user->second.disabled || now >= s.expires) return false;
  // A wall screen is never touched: only its absolute expiry ends its session.
  return user->second.role == Role::kWall || now - s.last_seen < options_.idle_timeout;
}

bool AuthService::StillValid(const Principal& principal) const {
  std::lock_guard lock(mu_);
  if (!principal.via_cookie) return tokens_.count(principal.token_hash) > 0;
  auto it = sessions_.find(principal.session_hash);
  return it != sessions_.end() && Live(it->second, clock_.Now());
}

void AuthService::SetSessionEndedListener(
    std::function<void(const std::string& session_hash)> listener) {
  std::lock_guard lock(mu_);
  on_session_ended_ = std::move(listener);
}

void AuthService::Ended(const std::vector<std::string>& session_hashes) const {
  std::function<void(const std::string&)> listener;
  {
    std::lock_guard lock(mu_);
    listener = on_session_ended_;
  }
  if (!listener) return;
  for (const std::string& hash : session_hashes) listener(hash);
}

bool AuthService::HasUser(const std::string& name) const {
  std::lock_guard lock(mu_);
  return users_.count(name) > 0;
}

void AuthService::Logout(const Principal& principal) {
  if (principal.session_hash.empty()) return;
  {
    std::lock_guard lock(mu_);
    sessions_.erase(principal.session_hash);
  }
  persist_([hash = principal.session_hash](store::Database& db) { Repo(db).DeleteSession(hash); });
  Audit(principal.Actor(), "logout", "", "");
  Ended({principal.session_hash});
}

std::vector<std::string> AuthService::DropSessionsOf(const std::string& user) {
  std::vector<std::string> ended;
  std::erase_if(sessions_, [&](const auto& kv) {
    if (kv.second.user != user) return false;
    ended.push_back(kv.first);
    return true;
  });
  persist_([user](store::Database& db) { Repo(db).DeleteSessionsOf(user); });
  return ended;
}

void AuthService::Audit(const std::string& actor, const std::string& action,
                        const std::string& object, const std::string& detail) {
  store::AuditEntry entry{clock_.Now(), actor, action, object, detail};
  persist_([entry](store::Database& db) { store::AppendAudit(db, entry); });
}

}  // namespace pingan::console

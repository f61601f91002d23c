// AuthRepository: the persistence of console users, login sessions and API tokens as
// typed rows. The AuthService (daemon/console/auth.h) is their authority while the
// daemon runs; it reads these rows once at start and writes its changes through the
// methods below, in jobs on the StoreWriter thread. The control channel's users.list
// reads ListUsers() on a read connection.
//
// Threading: none of its own. Thin SQL over one connection, used by one thread at a
// time (the connection's owner); writes run inside the caller's transaction, if any.
// Rows hold password and token hashes, never the secrets themselves; ListUsers leaves
// the password hash out.
#pragma once

#include <string>
#include <vector>

#include "daemon/core/clock.h"
#include "daemon/store/database.h"

namespace pingan::store {

struct UserRow {
  std::string name;
  std::string password_hash;  // empty from ListUsers
  std::string role;           // as stored: "admin", "duty_officer", "leader", "auditor"
  std::string scope_unit;     // leaders only; "" otherwise
  bool disabled = false;
  core::Instant created_at{};
};

struct SessionRow {
  std::string token_hash;  // the key; the cookie holds the token itself
  std::string user_name;
  std::string csrf_token;
  core::Instant created_at{};
  core::Instant last_seen{};
  core::Instant expires_at{};  // absolute expiry
};

struct TokenRow {
  std::string token_hash;
  std::string label;
  std::string role;
  std::string scope_unit;
  core::Instant created_at{};
};

class AuthRepository {
 public:
  explicit AuthRepository(Database& db) : db_(db.sql()) {}

  // Every user, with their password hash (for the AuthService at start).
  std::vector<UserRow> LoadUsers();
  // Sessions whose absolute expiry is after `now`.
  std::vector<SessionRow> LoadLiveSessions(core::Instant now);
  // Tokens not revoked.
  std::vector<TokenRow> LoadTokens();
  // Every user by name, without the password hash (users.list).
  std::vector<UserRow> ListUsers();

  // Throws SQLite::Exception when the name is taken. `disabled` is stored as given.
  void InsertUser(const UserRow& user);
  void SetPasswordHash(const std::string& name, const std::string& password_hash);
  void DisableUser(const std::string& name);

  void InsertSession(const SessionRow& session);
  void TouchSession(const std::string& token_hash, core::Instant last_seen);
  void DeleteSession(const std::string& token_hash);
  void DeleteSessionsOf(const std::string& user_name);
  // Removes sessions whose absolute expiry is at or before `now`; returns how many.
  int DeleteExpiredSessions(core::Instant now);

  void InsertToken(const TokenRow& token);

 private:
  SQLite::Database& db_;
};

}  // namespace pingan::store

#include "daemon/store/auth_repository.h"
#include "daemon/store/sql_values.h"

#include <initializer_list>

#include <SQLiteCpp/Statement.h>

namespace pingan::store {
namespace {

std::vector<UserRow> ReadUsers(SQLite::Database& db, bool with_hash) {
  SQLite::Statement s(db,
                      "SELECT name, password_hash, role, scope_unit, disabled, created_at_ms "
                      "FROM users ORDER BY name");
  std::vector<UserRow> out;
  while (s.executeStep()) {
    out.push_back(UserRow{s.getColumn(0).getString(),
                          with_hash ? s.getColumn(1).getString() : std::string(),
                          s.getColumn(2).getString(), s.getColumn(3).getString(),
                          s.getColumn(4).getInt() != 0, ColumnInstant(s.getColumn(5))});
  }
  return out;
}

// Runs a statement that takes text parameters only.
int Exec(SQLite::Database& db, const char* sql, std::initializer_list<std::string> args) {
  SQLite::Statement s(db, sql);
  int i = 1;
  for (const std::string& a : args) s.bind(i++, a);
  return s.exec();
}

}  // namespace

std::vector<UserRow> AuthRepository::LoadUsers() {
  return ReadUsers(db_, true);
}

std::vector<UserRow> AuthRepository::ListUsers() {
  return ReadUsers(db_, false);
}

std::vector<SessionRow> AuthRepository::LoadLiveSessions(core::Instant now) {
  SQLite::Statement s(db_,
                      "SELECT token_hash, user_name, csrf_token, created_at_ms, last_seen_ms, "
                      "expires_at_ms FROM sessions WHERE expires_at_ms > ?");
  s.bind(1, Ms(now));
  std::vector<SessionRow> out;
  while (s.executeStep()) {
    out.push_back(SessionRow{s.getColumn(0).getString(), s.getColumn(1).getString(),
                             s.getColumn(2).getString(), ColumnInstant(s.getColumn(3)),
                             ColumnInstant(s.getColumn(4)), ColumnInstant(s.getColumn(5))});
  }
  return out;
}

std::vector<TokenRow> AuthRepository::LoadTokens() {
  SQLite::Statement s(db_,
                      "SELECT token_hash, label, role, scope_unit, created_at_ms FROM api_tokens "
                      "WHERE revoked = 0");
  std::vector<TokenRow> out;
  while (s.executeStep()) {
    out.push_back(TokenRow{s.getColumn(0).getString(), s.getColumn(1).getString(),
                           s.getColumn(2).getString(), s.getColumn(3).getString(),
                           ColumnInstant(s.getColumn(4))});
  }
  return out;
}

void AuthRepository::InsertUser(const UserRow& user) {
  SQLite::Statement s(db_,
                      "INSERT INTO users (name, password_hash, role, scope_unit, disabled, "
                      "created_at_ms) VALUES (?, ?, ?, ?, ?, ?)");
  s.bind(1, user.name);
  s.bind(2, user.password_hash);
  s.bind(3, user.role);
  s.bind(4, user.scope_unit);
  s.bind(5, user.disabled ? 1 : 0);
  s.bind(6, Ms(user.created_at));
  s.exec();
}

void AuthRepository::SetPasswordHash(const std::string& name, const std::string& password_hash) {
  Exec(db_, "UPDATE users SET password_hash = ? WHERE name = ?", {password_hash, name});
}

void AuthRepository::DisableUser(const std::string& name) {
  Exec(db_, "UPDATE users SET disabled = 1 WHERE name = ?", {name});
}

void AuthRepository::InsertSession(const SessionRow& session) {
  SQLite::Statement s(db_,
                      "INSERT INTO sessions (token_hash, user_name, csrf_token, created_at_ms, "
                      "last_seen_ms, expires_at_ms) VALUES (?, ?, ?, ?, ?, ?)");
  s.bind(1, session.token_hash);
  s.bind(2, session.user_name);
  s.bind(3, session.csrf_token);
  s.bind(4, Ms(session.created_at));
  s.bind(5, Ms(session.last_seen));
  s.bind(6, Ms(session.expires_at));
  s.exec();
}

void AuthRepository::TouchSession(const std::string& token_hash, core::Instant last_seen) {
  SQLite::Statement s(db_, "UPDATE sessions SET last_seen_ms = ? WHERE token_hash = ?");
  s.bind(1, Ms(last_seen));
  s.bind(2, token_hash);
  s.exec();
}

void AuthRepository::DeleteSession(const std::string& token_hash) {
  Exec(db_, "DELETE FROM sessions WHERE token_hash = ?", {token_hash});
}

void AuthRepository::DeleteSessionsOf(const std::string& user_name) {
  Exec(db_, "DELETE FROM sessions WHERE user_name = ?", {user_name});
}

int AuthRepository::DeleteExpiredSessions(core::Instant now) {
  SQLite::Statement s(db_, "DELETE FROM sessions WHERE expires_at_ms <= ?");
  s.bind(1, Ms(now));
  return s.exec();
}

void AuthRepository::InsertToken(const TokenRow& token) {
  SQLite::Statement s(db_,
                      "INSERT INTO api_tokens (token_hash, label, role, scope_unit, "
                      "created_at_ms) VALUES (?, ?, ?, ?, ?)");
  s.bind(1, token.token_hash);
  s.bind(2, token.label);
  s.bind(3, token.role);
  s.bind(4, token.scope_unit);
  s.bind(5, Ms(token.created_at));
  s.exec();
}

}  // namespace pingan::store

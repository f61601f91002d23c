#include "daemon/store/auth_repository.h"

#include <gtest/gtest.h>

#include <algorithm>

#include <date/date.h>

#include <SQLiteCpp/Exception.h>

#include "daemon/store/database.h"
#include "tests/fakes/temp_dir.h"

namespace pingan::store {
namespace {

using namespace std::chrono_literals;

const core::Instant kT0 = date::sys_days{date::year{2026} / 10 / 3} + 8h;

class AuthRepositoryTest : public ::testing::Test {
 protected:
  AuthRepositoryTest() : db_(dir_.File("pingan.db")), repo_(db_) {}

  void AddUser(const std::string& name, const std::string& role = "duty_officer",
               const std::string& scope = "") {
    repo_.InsertUser(UserRow{name, "hash-of-" + name, role, scope, false, kT0});
  }
  SessionRow Session(const std::string& hash, const std::string& user, core::Instant expires) {
    return SessionRow{hash, user, "csrf-" + hash, kT0, kT0 + 1min, expires};
  }
  std::vector<std::string> SessionHashes(core::Instant now) {
    std::vector<std::string> out;
    for (const SessionRow& s : repo_.LoadLiveSessions(now)) out.push_back(s.token_hash);
    std::sort(out.begin(), out.end());
    return out;
  }

  testing::TempDir dir_;
  Database db_;
  AuthRepository repo_;
};

TEST_F(AuthRepositoryTest, UsersRoundTripWithTheirHash) {
  AddUser("zhang", "leader", "district-1");
  AddUser("admin", "admin");
  auto users = repo_.LoadUsers();
  ASSERT_EQ(users.size(), 2u);
  EXPECT_EQ(users[0].name, "admin");
  EXPECT_EQ(users[1].name, "zhang");
  EXPECT_EQ(users[1].password_hash, "hash-of-zhang");
  EXPECT_EQ(users[1].role, "leader");
  EXPECT_EQ(users[1].scope_unit, "district-1");
  EXPECT_FALSE(users[1].disabled);
  EXPECT_EQ(users[1].created_at, kT0);
}

TEST_F(AuthRepositoryTest, ListUsersIsByNameAndLeavesTheHashOut) {
  AddUser("b");
  AddUser("a", "auditor");
  auto users = repo_.ListUsers();
  ASSERT_EQ(users.size(), 2u);
  EXPECT_EQ(users[0].name, "a");
  EXPECT_EQ(users[0].role, "auditor");
  EXPECT_EQ(users[1].name, "b");
  EXPECT_EQ(users[0].password_hash, "");
  EXPECT_EQ(users[1].password_hash, "");
  EXPECT_EQ(users[1].created_at, kT0);
}

TEST_F(AuthRepositoryTest, ADuplicateUserIsRefused) {
  AddUser("duty");
  EXPECT_THROW(AddUser("duty"), SQLite::Exception);
  EXPECT_EQ(repo_.LoadUsers().size(), 1u);
}

TEST_F(AuthRepositoryTest, SetPasswordHashChangesOnlyThatUser) {
  AddUser("a");
  AddUser("b");
  repo_.SetPasswordHash("a", "new-hash");
  auto users = repo_.LoadUsers();
  EXPECT_EQ(users[0].password_hash, "new-hash");
  EXPECT_EQ(users[1].password_hash, "hash-of-b");
}

TEST_F(AuthRepositoryTest, DisableUserMarksOnlyThatUser) {
  AddUser("a");
  AddUser("b");
  repo_.DisableUser("b");
  auto users = repo_.ListUsers();
  EXPECT_FALSE(users[0].disabled);
  EXPECT_TRUE(users[1].disabled);
}

TEST_F(AuthRepositoryTest, SessionsRoundTrip) {
  AddUser("duty");
  repo_.InsertSession(Session("h1", "duty", kT0 + 12h));
  auto sessions = repo_.LoadLiveSessions(kT0);
  ASSERT_EQ(sessions.size(), 1u);
  EXPECT_EQ(sessions[0].token_hash, "h1");
  EXPECT_EQ(sessions[0].user_name, "duty");
  EXPECT_EQ(sessions[0].csrf_token, "csrf-h1");
  EXPECT_EQ(sessions[0].created_at, kT0);
  EXPECT_EQ(sessions[0].last_seen, kT0 + 1min);
  EXPECT_EQ(sessions[0].expires_at, kT0 + 12h);
}

TEST_F(AuthRepositoryTest, LoadLiveSessionsLeavesOutThoseExpiredAtOrBeforeNow) {
  AddUser("duty");
  repo_.InsertSession(Session("past", "duty", kT0 - 1ms));
  repo_.InsertSession(Session("now", "duty", kT0));
  repo_.InsertSession(Session("later", "duty", kT0 + 1ms));
  EXPECT_EQ(SessionHashes(kT0), std::vector<std::string>{"later"});
  EXPECT_EQ(SessionHashes(kT0 - 1ms), (std::vector<std::string>{"later", "now"}));
}

TEST_F(AuthRepositoryTest, TouchSessionMovesLastSeenOnly) {
  AddUser("duty");
  repo_.InsertSession(Session("h1", "duty", kT0 + 12h));
  repo_.InsertSession(Session("h2", "duty", kT0 + 12h));
  repo_.TouchSession("h1", kT0 + 5min);
  for (const SessionRow& s : repo_.LoadLiveSessions(kT0)) {
    EXPECT_EQ(s.last_seen, s.token_hash == "h1" ? kT0 + 5min : kT0 + 1min) << s.token_hash;
    EXPECT_EQ(s.expires_at, kT0 + 12h);
  }
}

TEST_F(AuthRepositoryTest, DeleteSessionRemovesOne) {
  AddUser("duty");
  repo_.InsertSession(Session("h1", "duty", kT0 + 12h));
  repo_.InsertSession(Session("h2", "duty", kT0 + 12h));
  repo_.DeleteSession("h1");
  repo_.DeleteSession("unknown");
  EXPECT_EQ(SessionHashes(kT0), std::vector<std::string>{"h2"});
}

TEST_F(AuthRepositoryTest, DeleteSessionsOfRemovesAllOfOneUser) {
  AddUser("a");
  AddUser("b");
  repo_.InsertSession(Session("a1", "a", kT0 + 12h));
  repo_.InsertSession(Session("a2", "a", kT0 + 12h));
  repo_.InsertSession(Session("b1", "b", kT0 + 12h));
  repo_.DeleteSessionsOf("a");
  EXPECT_EQ(SessionHashes(kT0), std::vector<std::string>{"b1"});
}

TEST_F(AuthRepositoryTest, DeleteExpiredSessionsRemovesThoseExpiredAtOrBeforeNow) {
  AddUser("duty");
  repo_.InsertSession(Session("past", "duty", kT0 - 1h));
  repo_.InsertSession(Session("now", "duty", kT0));
  repo_.InsertSession(Session("later", "duty", kT0 + 1ms));
  EXPECT_EQ(repo_.DeleteExpiredSessions(kT0), 2);
  EXPECT_EQ(repo_.DeleteExpiredSessions(kT0), 0);
  // Gone from the table, not just filtered: an earlier `now` does not bring them back.
  EXPECT_EQ(SessionHashes(kT0 - 2h), std::vector<std::string>{"later"});
}

TEST_F(AuthRepositoryTest, TokensRoundTripAndRevokedOnesAreNotLoaded) {
  repo_.InsertToken(TokenRow{"t1", "monitoring", "auditor", "", kT0});
  repo_.InsertToken(TokenRow{"t2", "district", "leader", "district-1", kT0 + 1h});
  db_.sql().exec("UPDATE api_tokens SET revoked = 1 WHERE token_hash = 't1'");
  auto tokens = repo_.LoadTokens();
  ASSERT_EQ(tokens.size(), 1u);
  EXPECT_EQ(tokens[0].token_hash, "t2");
  EXPECT_EQ(tokens[0].label, "district");
  EXPECT_EQ(tokens[0].role, "leader");
  EXPECT_EQ(tokens[0].scope_unit, "district-1");
  EXPECT_EQ(tokens[0].created_at, kT0 + 1h);
}

TEST_F(AuthRepositoryTest, ATokenLabelIsUnique) {
  repo_.InsertToken(TokenRow{"t1", "monitoring", "auditor", "", kT0});
  EXPECT_THROW(repo_.InsertToken(TokenRow{"t2", "monitoring", "auditor", "", kT0}),
               SQLite::Exception);
}

}  // namespace
}  // namespace pingan::store

// Sessions, cookies, timeouts, throttling, password hashing and the audit entries of
// logins and incident-text reads, through the API's router with a FakeClock.
#include <gtest/gtest.h>

#include "daemon/console/password.h"
#include "tests/console/api_fixture.h"

namespace pingan::console {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

class AuthTest : public ApiFixture {
 protected:
  int SessionStatus(const std::string& cookie) {
    return router_.Handle(WithSession(Make("GET", "/api/v1/session"), cookie)).status;
  }
  Response TryLogin(const std::string& name, const std::string& password,
                    const std::string& address = "10.0.0.1") {
    Request r = Make("POST", "/api/v1/login", json{{"name", name}, {"password", password}}.dump());
    r.client_address = address;
    return router_.Handle(r);
  }
  int64_t Count(const std::string& sql) { return db_->sql().execAndGet(sql).getInt64(); }
};

TEST(PasswordTest, Argon2idHashesVerifyOnlyTheRightPassword) {
  const std::string hash = HashPassword("s3cret-enough", PasswordCost::kMinimum);
  EXPECT_EQ(hash.rfind("$argon2id$", 0), 0u) << hash;
  EXPECT_TRUE(VerifyPassword(hash, "s3cret-enough"));
  EXPECT_FALSE(VerifyPassword(hash, "s3cret-enougH"));
  EXPECT_FALSE(VerifyPassword("not a hash", "s3cret-enough"));
  // Salted: the same password never hashes the same way twice.
  EXPECT_NE(HashPassword("s3cret-enough", PasswordCost::kMinimum), hash);
}

TEST_F(AuthTest, UsersAreStoredWithArgon2idHashesOnly) {
  SQLite::Statement q(db_->sql(), "SELECT password_hash, role FROM users WHERE name = 'duty'");
  ASSERT_TRUE(q.executeStep());
  EXPECT_TRUE(VerifyPassword(q.getColumn(0).getString(), kPassword));
  EXPECT_EQ(q.getColumn(0).getString().find(kPassword), std::string::npos);
  EXPECT_EQ(q.getColumn(1).getString(), "duty_officer");
  EXPECT_NE(auth_.AddUser("duty", "admin", "", kPassword), std::nullopt);  // exists
  EXPECT_NE(auth_.AddUser("x", "leader", "", kPassword), std::nullopt);    // leader w/o scope
  EXPECT_NE(auth_.AddUser("y", "root", "", kPassword), std::nullopt);      // no such role
  EXPECT_NE(auth_.AddUser("z", "admin", "", "short"), std::nullopt);       // weak password
}

TEST_F(AuthTest, LoginSetsAHardenedCookieAndStoresOnlyATokenHash) {
  const Response res = TryLogin("duty", kPassword);
  ASSERT_EQ(res.status, 200);
  const std::string cookie = res.Header("Set-Cookie");
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos);
  EXPECT_EQ(cookie.find("Secure"), std::string::npos);  // plain HTTP
  const std::string token = CookieValue(cookie, kSessionCookie);
  EXPECT_EQ(Count("SELECT count(*) FROM sessions WHERE token_hash = '" + token + "'"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM sessions WHERE token_hash = '" + TokenHash(token) + "'"),
            1);
  Request tls =
      Make("POST", "/api/v1/login", json{{"name", "duty"}, {"password", kPassword}}.dump());
  tls.tls = true;
  EXPECT_NE(router_.Handle(tls).Header("Set-Cookie").find("; Secure"), std::string::npos);
  // Each login is a new session.
  EXPECT_NE(CookieValue(router_.Handle(tls).Header("Set-Cookie"), kSessionCookie), token);
}

TEST_F(AuthTest, SessionAnswersTheCsrfTokenAndLogoutEndsIt) {
  std::string csrf;
  const std::string cookie = Login("duty", &csrf);
  const Response session = router_.Handle(WithSession(Make("GET", "/api/v1/session"), cookie));
  ASSERT_EQ(session.status, 200);
  const json body = json::parse(session.body);
  EXPECT_EQ(body["user"], "duty");
  EXPECT_EQ(body["role"], "duty_officer");
  EXPECT_EQ(body["csrf_token"], csrf);
  const Response out = router_.Handle(WithSession(Make("POST", "/api/v1/logout"), cookie, csrf));
  EXPECT_EQ(out.status, 200);
  EXPECT_NE(out.Header("Set-Cookie").find("Max-Age=0"), std::string::npos);
  EXPECT_EQ(SessionStatus(cookie), 401);
  EXPECT_EQ(Count("SELECT count(*) FROM sessions"), 0);
}

TEST_F(AuthTest, IdleSessionsExpire) {
  const std::string cookie = Login("duty");
  clock_.Advance(29min);
  EXPECT_EQ(SessionStatus(cookie), 200);  // activity restarts the idle timer
  clock_.Advance(29min);
  EXPECT_EQ(SessionStatus(cookie), 200);
  clock_.Advance(30min);
  EXPECT_EQ(SessionStatus(cookie), 401);
  EXPECT_EQ(SessionStatus(cookie), 401);  // and stays gone
}

TEST_F(AuthTest, BusySessionsEndAtTheAbsoluteTimeout) {
  const std::string cookie = Login("duty");
  for (int i = 0; i < 12 * 3 - 1; ++i) {
    clock_.Advance(20min);
    ASSERT_EQ(SessionStatus(cookie), 200) << "after " << (i + 1) * 20 << " min";
  }
  clock_.Advance(20min);  // 12 h after login
  EXPECT_EQ(SessionStatus(cookie), 401);
}

TEST_F(AuthTest, LastSeenIsWrittenAtMostOncePerMinute) {
  const std::string cookie = Login("duty");
  const int before = persisted_;
  for (int i = 0; i < 50; ++i) {
    clock_.Advance(1s);
    ASSERT_EQ(SessionStatus(cookie), 200);
  }
  EXPECT_EQ(persisted_, before);  // 50 requests within a minute: no write
  clock_.Advance(20s);
  ASSERT_EQ(SessionStatus(cookie), 200);
  EXPECT_EQ(persisted_, before + 1);
  EXPECT_EQ(Count("SELECT last_seen_ms FROM sessions"), core::ToUnixMillis(clock_.Now()));
}

TEST_F(AuthTest, FailedLoginsLockTheUserOutOfThatAddressWithGrowingWaits) {
  for (int i = 0; i < 5; ++i) EXPECT_EQ(TryLogin("duty", "wrong password").status, 401);
  // Five free failures; the next locks for 30 s.
  EXPECT_EQ(TryLogin("duty", "wrong password").status, 401);
  const Response locked = TryLogin("duty", kPassword);
  EXPECT_EQ(locked.status, 429);
  EXPECT_EQ(locked.Header("Retry-After"), "30");
  EXPECT_EQ(json::parse(locked.body)["error"]["code"], "throttled");
  clock_.Advance(30s);
  EXPECT_EQ(TryLogin("duty", "wrong password").status, 401);  // 7th failure: 60 s
  clock_.Advance(59s);
  EXPECT_EQ(TryLogin("duty", kPassword).status, 429);
  clock_.Advance(1s);
  EXPECT_EQ(TryLogin("duty", kPassword).status, 200);
  // A success clears the count: one more failure does not lock.
  EXPECT_EQ(TryLogin("duty", "wrong password").status, 401);
  EXPECT_EQ(TryLogin("duty", kPassword).status, 200);
}

TEST_F(AuthTest, OneAddressGuessingManyNamesIsThrottledToo) {
  for (int i = 0; i <= 30; ++i) {  // 30 free failures per address, whatever the names
    EXPECT_EQ(TryLogin("name-" + std::to_string(i), "guess", "192.0.2.7").status, 401);
  }
  EXPECT_EQ(TryLogin("admin", kPassword, "192.0.2.7").status, 429);
  EXPECT_EQ(TryLogin("admin", kPassword, "192.0.2.8").status, 200);  // others unaffected
}

TEST_F(AuthTest, DisabledUsersAndChangedPasswordsEndSessions) {
  const std::string duty = Login("duty");
  ASSERT_EQ(auth_.SetPassword("duty", "another long password"), std::nullopt);
  EXPECT_EQ(SessionStatus(duty), 401);
  EXPECT_EQ(TryLogin("duty", kPassword).status, 401);
  EXPECT_EQ(TryLogin("duty", "another long password").status, 200);
  const std::string admin = Login("admin");
  ASSERT_EQ(auth_.DisableUser("admin"), std::nullopt);
  EXPECT_EQ(SessionStatus(admin), 401);
  EXPECT_EQ(TryLogin("admin", kPassword).status, 401);
}

TEST_F(AuthTest, StateSurvivesARestart) {
  const std::string cookie = Login("duty");
  auto token = auth_.CreateToken("monitoring", "auditor", "");
  ASSERT_EQ(token.index(), 0u);
  AuthService restarted(clock_, Options(), [this](AuthService::Job job) { job(*db_); });
  store::AuthRepository repository(*db_);
  restarted.Load(repository);
  auto principal = restarted.FromSession(cookie);
  ASSERT_TRUE(principal.has_value());
  EXPECT_EQ(principal->name, "duty");
  auto by_token = restarted.FromApiToken(std::get<0>(token));
  ASSERT_TRUE(by_token.has_value());
  EXPECT_EQ(by_token->role, Role::kAuditor);
  EXPECT_FALSE(restarted.FromApiToken(std::get<0>(token) + "0").has_value());
}

TEST_F(AuthTest, LoginsFailuresAndIncidentTextReadsAreAudited) {
  EXPECT_EQ(TryLogin("duty", "wrong password").status, 401);
  const std::string cookie = Login("duty");
  const Response incident =
      router_.Handle(WithSession(Make("GET", "/api/v1/incidents/report-a"), cookie));
  ASSERT_EQ(incident.status, 200);
  EXPECT_EQ(json::parse(incident.body)["summary"], "protected text of report-a");
  const auto entries = store::RecentAudit(*db_, 3);  // newest first
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[2].action, "login.failed");
  EXPECT_EQ(entries[2].actor, "user:duty");
  EXPECT_EQ(entries[2].object, "10.0.0.1");
  EXPECT_EQ(entries[1].action, "login");
  EXPECT_EQ(entries[0].action, "incident.text.read");
  EXPECT_EQ(entries[0].object, "report-a");
  for (const auto& e : store::RecentAudit(*db_, 1000)) {
    EXPECT_EQ(e.detail.find("protected"), std::string::npos);  // never the text itself
  }
  // The audit log is readable by an auditor through the API.
  const std::string auditor = Login("auditor");
  const json log =
      json::parse(router_.Handle(WithSession(Make("GET", "/api/v1/audit?limit=2"), auditor)).body);
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0]["action"], "login");
  EXPECT_EQ(log[0]["actor"], "user:auditor");
}

}  // namespace
}  // namespace pingan::console

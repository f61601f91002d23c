// Login under attack, through the router as the HTTP server drives it (with
// Request::client_address set, as the server sets it from the peer): a guesser's
// address is locked out without locking out the user elsewhere, a botnet only slows,
// and login CSRF is refused (a body not declared JSON: 415; a foreign Origin: 403).
#include <gtest/gtest.h>

#include "daemon/console/request_checks.h"
#include "tests/console/api_fixture.h"

namespace pingan::console {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

class LoginSecurityTest : public ApiFixture {
 protected:
  Request LoginRequest(const std::string& name, const std::string& password,
                       const std::string& address = "10.0.0.1") {
    Request r = Make("POST", "/api/v1/login", json{{"name", name}, {"password", password}}.dump());
    r.client_address = address;
    r.headers["host"] = "127.0.0.1:8080";
    return r;
  }
  Response TryLogin(const std::string& name, const std::string& password,
                    const std::string& address = "10.0.0.1") {
    return router_.Handle(LoginRequest(name, password, address));
  }
  std::string ErrorCode(const Response& r) {
    return json::parse(r.body, nullptr, false).value("error", json::object()).value("code", "");
  }
};

TEST_F(LoginSecurityTest, ALockedOutAttackerAddressDoesNotStopTheRightUserElsewhere) {
  for (int i = 0; i < 6; ++i) EXPECT_EQ(TryLogin("duty", "wrong", "127.0.0.2").status, 401);
  const Response attacker = TryLogin("duty", kPassword, "127.0.0.2");
  EXPECT_EQ(attacker.status, 429) << "even the right password, from the guessing address";
  EXPECT_EQ(attacker.Header("Retry-After"), "30");
  EXPECT_EQ(TryLogin("duty", kPassword, "127.0.0.1").status, 200);
  // And it goes on guessing, doubling its own lockout only.
  for (int i = 0; i < 5; ++i) {
    clock_.Advance(15min);
    EXPECT_EQ(TryLogin("duty", "wrong", "127.0.0.2").status, 401);
    EXPECT_EQ(TryLogin("duty", kPassword, "127.0.0.1").status, 200);
  }
  // The refusal is audited with its reason.
  SQLite::Statement q(db_->sql(),
                      "SELECT detail FROM audit_log WHERE action = 'login.throttled' LIMIT 1");
  ASSERT_TRUE(q.executeStep());
  EXPECT_EQ(q.getColumn(0).getString(), "user_address");
}

TEST_F(LoginSecurityTest, ManyAddressesGuessingOneUserAreSlowedNotLockedOut) {
  for (int i = 0; i < 12; ++i) {
    EXPECT_EQ(TryLogin("duty", "wrong", "198.51.100." + std::to_string(i)).status, 401);
  }
  const Response slowed = TryLogin("duty", "wrong", "198.51.100.3");
  EXPECT_EQ(slowed.status, 429);
  EXPECT_EQ(ErrorCode(slowed), "throttled");
  EXPECT_EQ(TryLogin("duty", kPassword, "10.0.0.1").status, 200) << "a clean address is heard";
  clock_.Advance(1min);
  EXPECT_EQ(TryLogin("duty", kPassword, "198.51.100.3").status, 200);
}

TEST_F(LoginSecurityTest, LoginRefusesABodyNotDeclaredJson) {
  for (const char* type : {"text/plain", "application/x-www-form-urlencoded",
                           "multipart/form-data; boundary=x", "", "application/jsonx"}) {
    Request r = LoginRequest("duty", kPassword);
    if (*type == '\0') {
      r.headers.erase("content-type");
    } else {
      r.headers["content-type"] = type;
    }
    const Response res = router_.Handle(r);
    EXPECT_EQ(res.status, 415) << type;
    EXPECT_EQ(ErrorCode(res), "unsupported_media_type") << type;
    EXPECT_TRUE(res.Header("Set-Cookie").empty());
  }
  Request charset = LoginRequest("duty", kPassword);
  charset.headers["content-type"] = "Application/JSON; charset=utf-8";
  EXPECT_EQ(router_.Handle(charset).status, 200);
  // Refused before any password is checked: no failure counted, nothing audited.
  for (const std::string& action : AuditActions()) EXPECT_NE(action, "login.failed");
}

TEST_F(LoginSecurityTest, LoginFromAForeignOriginIsRefused) {
  for (const char* origin : {"https://evil.example", "http://127.0.0.1:8081", "http://127.0.0.1",
                             "null", "https://127.0.0.1:8080", "http://127.0.0.1:8080.evil.example",
                             "http://user@127.0.0.1:8080", ""}) {
    Request r = LoginRequest("duty", kPassword);
    r.headers["origin"] = origin;
    const Response res = router_.Handle(r);
    EXPECT_EQ(res.status, 403) << origin;
    EXPECT_EQ(ErrorCode(res), "cross_origin") << origin;
  }
}

TEST_F(LoginSecurityTest, LoginFromOurOwnOriginOrWithoutOriginIsAccepted) {
  Request same = LoginRequest("duty", kPassword);
  same.headers["origin"] = "http://127.0.0.1:8080";
  EXPECT_EQ(router_.Handle(same).status, 200);
  EXPECT_EQ(TryLogin("duty", kPassword).status, 200) << "pinganctl and curl send no Origin";
  // Over TLS the origin is https, and the default port may be left out on either side.
  Request tls = LoginRequest("duty", kPassword);
  tls.tls = true;
  tls.headers["host"] = "Duty.Example.CN";
  tls.headers["origin"] = "https://duty.example.cn:443";
  EXPECT_EQ(router_.Handle(tls).status, 200);
  tls.headers["origin"] = "http://duty.example.cn";
  EXPECT_EQ(router_.Handle(tls).status, 403) << "http page posting to the https server";
}

TEST(SameOriginTest, ComparesSchemeHostAndPort) {
  Request r;
  r.headers["host"] = "[::1]:8443";
  r.tls = true;
  EXPECT_TRUE(SameOrigin("https://[::1]:8443", r));
  EXPECT_FALSE(SameOrigin("https://[::1]:443", r));
  EXPECT_FALSE(SameOrigin("https://[::2]:8443", r));
  r.headers["host"] = "";
  EXPECT_FALSE(SameOrigin("https://localhost", r)) << "no Host: nothing to be the same as";
  r.headers["host"] = "localhost";
  EXPECT_TRUE(SameOrigin("https://localhost", r));
  EXPECT_FALSE(SameOrigin("https://localhost/", r));
  EXPECT_FALSE(SameOrigin("https://localhost:x", r));
  EXPECT_TRUE(IsJsonContentType(" application/json ;charset=UTF-8"));
  EXPECT_FALSE(IsJsonContentType("application/json-patch+json"));
}

TEST_F(LoginSecurityTest, EveryOtherStateChangeNeedsTheCsrfHeaderWithACookie) {
  // Login is the only change without a session; everything else that is not a GET is
  // declared a state change, so the router demands X-CSRF-Token from cookie callers.
  for (const Route& route : router_.routes()) {
    if (route.method == "GET") continue;
    EXPECT_TRUE(route.changes_state) << route.method << " " << route.pattern;
    if (route.permission == Permission::kPublic) {
      EXPECT_TRUE(route.json_same_origin) << route.pattern;
    }
  }
}

}  // namespace
}  // namespace pingan::console

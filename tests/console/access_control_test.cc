// The access-control guarantees of the API, proven over the whole route table: no
// route answers without a session, no state change passes without the CSRF token, and
// a leader of district A can reach nothing of district B.
#include <gtest/gtest.h>

#include "tests/console/api_fixture.h"

namespace pingan::console {
namespace {

using nlohmann::json;

// A concrete path for a pattern: every {param} becomes `value`.
std::string Fill(const std::string& pattern, const std::string& value) {
  std::string out = pattern;
  for (size_t open; (open = out.find('{')) != std::string::npos;) {
    out.replace(open, out.find('}', open) - open + 1, value);
  }
  return out;
}

// District B's object for a route pattern: its incident report, its school, or its alert.
std::string DistrictBObject(const std::string& pattern) {
  if (pattern.find("/incidents/") != std::string::npos) return "report-b";
  if (pattern.find("/schools/") != std::string::npos) return "b1";
  return "alert-b";
}

class AccessControlTest : public ApiFixture {
 protected:
  // Whether the stored alert is still as the fixture made it (no refused change reached
  // the AlertService): open, nothing added to its timeline.
  bool Untouched(const std::string& id) {
    Drain();
    const core::Alert a = alert_service_.Find(id);
    return a.state == core::AlertState::kOpen && a.timeline.size() == 1u;
  }
};

TEST_F(AccessControlTest, TheRouteTableHasEveryApiRoute) {
  std::set<std::string> have;
  for (const Route& r : router_.routes()) have.insert(r.method + " " + r.pattern);
  for (const char* want : {"POST /api/v1/login",
                           "POST /api/v1/logout",
                           "GET /api/v1/session",
                           "GET /api/v1/status",
                           "GET /api/v1/board",
                           "GET /api/v1/deadlines",
                           "GET /api/v1/missing",
                           "GET /api/v1/alerts",
                           "GET /api/v1/alerts/{id}",
                           "POST /api/v1/alerts/{id}/ack",
                           "POST /api/v1/alerts/{id}/resolve",
                           "POST /api/v1/alerts/{id}/comment",
                           "GET /api/v1/incidents/{report_id}",
                           "GET /api/v1/audit",
                           "GET /api/v1/board/schools",
                           "GET /api/v1/schools",
                           "GET /api/v1/schools/{id}",
                           "GET /api/v1/calendars",
                           "GET /api/v1/rosters",
                           "GET /api/v1/rosters/gaps",
                           "GET /api/v1/handover",
                           "GET /api/v1/users",
                           "POST /api/v1/users",
                           "POST /api/v1/users/{name}/password",
                           "POST /api/v1/users/{name}/disable",
                           "POST /api/v1/tokens",
                           "GET /api/v1/clock",
                           "POST /api/v1/clock/advance",
                           "GET /api/v1/outbox",
                           "GET /api/v1/keys",
                           "POST /api/v1/keys/{school}",
                           "POST /api/v1/keys/{school}/revoke",
                           "POST /api/v1/schools/import",
                           "GET /api/v1/export/ledger"}) {
    EXPECT_TRUE(have.count(want)) << want;
  }
}

TEST_F(AccessControlTest, TheRouteTableHasTheIncidentCaseRoutes) {
  std::set<std::string> have;
  for (const Route& r : router_.routes()) have.insert(r.method + " " + r.pattern);
  for (const char* want :
       {"GET /api/v1/incidents", "POST /api/v1/incidents/{report_id}/assign",
        "POST /api/v1/incidents/{report_id}/notes", "POST /api/v1/incidents/{report_id}/close"}) {
    EXPECT_TRUE(have.count(want)) << want;
  }
}

TEST_F(AccessControlTest, EveryRouteButLoginRefusesARequestWithoutSession) {
  int checked = 0;
  for (const Route& route : router_.routes()) {
    if (route.permission == Permission::kPublic) {
      EXPECT_EQ(route.pattern, "/api/v1/login");  // the only public route
      continue;
    }
    for (const char* id : {"alert-a", "report-a", "nope"}) {
      const Response res = router_.Handle(Make(route.method, Fill(route.pattern, id), "{}"));
      EXPECT_EQ(res.status, 401) << route.method << " " << route.pattern;
      EXPECT_EQ(json::parse(res.body)["error"]["code"], "unauthenticated");
    }
    // A forged or stale cookie and an unknown API token are no better.
    Request forged = WithSession(Make(route.method, Fill(route.pattern, "alert-a")), "deadbeef");
    EXPECT_EQ(router_.Handle(forged).status, 401) << route.pattern;
    Request token = Make(route.method, Fill(route.pattern, "alert-a"));
    token.headers["authorization"] = "Bearer pgt_guess";
    EXPECT_EQ(router_.Handle(token).status, 401) << route.pattern;
    ++checked;
  }
  EXPECT_GE(checked, 12);
  EXPECT_TRUE(commands_.empty()) << "a refused request reached the backend";
  EXPECT_TRUE(Untouched("alert-a"));
}

TEST_F(AccessControlTest, EveryStateChangeRefusesAMissingOrWrongCsrfToken) {
  std::string csrf;
  const std::string cookie = Login("admin", &csrf);
  int checked = 0;
  for (const Route& route : router_.routes()) {
    if (!route.changes_state || route.permission == Permission::kPublic) continue;
    const std::string path = Fill(route.pattern, "alert-a");
    const json body{{"comment", "on it"}, {"reason", "handled"}};
    // A wrong token differs from the real one in its first character (a fixed "0" would
    // equal it whenever the real token starts with "0").
    const std::string wrong = std::string(csrf[0] == '0' ? "1" : "0") + csrf.substr(1);
    for (const std::string& bad : {std::string(), wrong}) {
      const Response res =
          router_.Handle(WithSession(Make("POST", path, body.dump()), cookie, bad));
      EXPECT_EQ(res.status, 403) << path;
      EXPECT_EQ(json::parse(res.body)["error"]["code"], "csrf") << path;
    }
    ++checked;
  }
  EXPECT_GE(checked, 3);  // logout, ack, resolve
  EXPECT_TRUE(commands_.empty());
  EXPECT_TRUE(Untouched("alert-a"));
  // With the token the same requests go through (logout last, it ends the session).
  const json body{{"comment", "on it"}};
  EXPECT_EQ(router_
                .Handle(WithSession(Make("POST", "/api/v1/alerts/alert-a/ack", body.dump()), cookie,
                                    csrf))
                .status,
            202);
  EXPECT_EQ(router_.Handle(WithSession(Make("POST", "/api/v1/logout"), cookie, csrf)).status, 200);
}

TEST_F(AccessControlTest, ApiTokensNeedNoCsrfButAreBoundByTheirRole) {
  auto made = auth_.CreateToken("monitoring", "duty_officer", "");
  ASSERT_EQ(made.index(), 0u);
  Request ack = Make("POST", "/api/v1/alerts/alert-b/ack", json{{"comment", "ok"}}.dump());
  ack.headers["authorization"] = "Bearer " + std::get<0>(made);
  const Response res = router_.Handle(ack);
  EXPECT_EQ(res.status, 202) << res.body;
  Drain();
  EXPECT_EQ(alert_service_.Find("alert-b").acknowledged_by, "token:monitoring");
  Request audit = Make("GET", "/api/v1/audit");
  audit.headers = ack.headers;
  EXPECT_EQ(router_.Handle(audit).status, 403);  // duty officers do not read the audit log
}

TEST_F(AccessControlTest, LeaderOfDistrictAGetsNothingOfDistrictB) {
  std::string csrf;
  const std::string cookie = Login("leader-a", &csrf);
  const json body{{"comment", "x"}, {"reason", "handled"}};
  int checked = 0;
  for (const Route& route : router_.routes()) {
    if (route.pattern.find('{') == std::string::npos) continue;
    const std::string b_object = DistrictBObject(route.pattern);
    const Response res = router_.Handle(
        WithSession(Make(route.method, Fill(route.pattern, b_object), body.dump()), cookie, csrf));
    EXPECT_TRUE(res.status == 404 || res.status == 403) << route.pattern << " " << res.status;
    EXPECT_EQ(res.body.find("protected text"), std::string::npos);
    ++checked;
  }
  EXPECT_GE(checked, 4);
  EXPECT_TRUE(Untouched("alert-b")) << "an action on B reached the alert service";
  EXPECT_TRUE(changed_.empty()) << "an action on report-b reached the incident service";
  EXPECT_FALSE(incident_service_.Find("report-b").the_case.has_value());
  EXPECT_TRUE(incident_service_.Details(incident_service_.Find("report-b"), false).notes.empty());
  // District A's own objects are reachable, and lists hold only A's schools.
  EXPECT_EQ(router_.Handle(WithSession(Make("GET", "/api/v1/alerts/alert-a"), cookie)).status, 200);
  EXPECT_EQ(router_.Handle(WithSession(Make("GET", "/api/v1/incidents/report-a"), cookie)).status,
            200);
  for (const char* list : {"/api/v1/alerts", "/api/v1/missing", "/api/v1/incidents"}) {
    const json items = json::parse(router_.Handle(WithSession(Make("GET", list), cookie)).body);
    ASSERT_EQ(items.size(), 1u) << list;
    EXPECT_EQ(items[0]["school_id"], "a1");
  }
  // Organisation-wide counts are not for leaders.
  EXPECT_EQ(router_.Handle(WithSession(Make("GET", "/api/v1/status"), cookie)).status, 403);
}

TEST_F(AccessControlTest, RolesGetOnlyTheirPermissions) {
  std::string csrf;
  const std::string auditor = Login("auditor", &csrf);
  const Response ack = router_.Handle(WithSession(
      Make("POST", "/api/v1/alerts/alert-a/ack", json{{"comment", "x"}}.dump()), auditor, csrf));
  EXPECT_EQ(ack.status, 403);
  EXPECT_EQ(router_.Handle(WithSession(Make("GET", "/api/v1/audit"), auditor)).status, 200);
  // Auditors see incident facts but not the protected text.
  const json incident = json::parse(
      router_.Handle(WithSession(Make("GET", "/api/v1/incidents/report-a"), auditor)).body);
  EXPECT_EQ(incident["severity"], "III");
  EXPECT_FALSE(incident.contains("summary"));
  const std::string duty = Login("duty");
  EXPECT_EQ(router_.Handle(WithSession(Make("GET", "/api/v1/audit"), duty)).status, 403);
  EXPECT_EQ(router_.Handle(WithSession(Make("GET", "/api/v1/status"), duty)).status, 200);
}

TEST_F(AccessControlTest, ARouteWithoutPermissionCannotBeRegistered) {
  Router router(auth_);
  Route open{"GET", "/api/v1/open", std::nullopt, false,
             [](const RouteContext&) { return JsonResponse(200, {}); }};
  EXPECT_THROW(router.Add(open), std::logic_error);
  EXPECT_TRUE(router.routes().empty());
}

TEST_F(AccessControlTest, UnknownPathsAndMethodsAnswerJsonErrors) {
  const Response missing = router_.Handle(Make("GET", "/api/v1/nothing"));
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(json::parse(missing.body)["error"]["code"], "not_found");
  const Response method = router_.Handle(Make("DELETE", "/api/v1/alerts"));
  EXPECT_EQ(method.status, 405);
  EXPECT_EQ(json::parse(method.body)["error"]["code"], "method_not_allowed");
  const Response bad = router_.Handle(Make("POST", "/api/v1/login", "not json"));
  EXPECT_EQ(bad.status, 400);
}

TEST(MatchPatternTest, BindsParametersAndRejectsOtherShapes) {
  std::map<std::string, std::string> params;
  ASSERT_TRUE(MatchPattern("/api/v1/alerts/{id}/ack", "/api/v1/alerts/a%2Fb/ack", &params));
  EXPECT_EQ(params["id"], "a/b");
  EXPECT_FALSE(MatchPattern("/api/v1/alerts/{id}", "/api/v1/alerts/", &params));
  EXPECT_FALSE(MatchPattern("/api/v1/alerts/{id}", "/api/v1/alerts/x/y", &params));
}

}  // namespace
}  // namespace pingan::console

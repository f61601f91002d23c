// The admin routes (admin_routes.cc): only admins reach the admin services, the actor
// handed to the services and written to the audit log is the signed-in user or token,
// user and token changes reach the AuthService, the import answers every error with
// 422, and exports are CSV scoped to a leader.
#include <gtest/gtest.h>

#include "tests/console/api_fixture.h"

namespace pingan::console {
namespace {

using nlohmann::json;

class AdminRoutesTest : public ApiFixture {
 protected:
  Response As(const std::string& user, const std::string& method, const std::string& target,
              const std::string& body = "", const std::string& content_type = "") {
    std::string csrf;
    const std::string cookie = Login(user, &csrf);
    Request r = WithSession(Make(method, target, body), cookie, csrf);
    if (!content_type.empty()) r.headers["content-type"] = content_type;
    return router_.Handle(r);
  }

  // (actor, action) of audit entries written by the routes (not by AddUser at set-up).
  std::vector<std::pair<std::string, std::string>> AuditBy(const std::string& actor) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& e : store::RecentAudit(*db_, 1000)) {
      if (e.actor == actor && e.action != "login") out.insert(out.begin(), {e.actor, e.action});
    }
    return out;
  }
};

TEST_F(AdminRoutesTest, OnlyAdminsReachTheAdminRoutes) {
  const json body{{"name", "x"},  {"role", "auditor"}, {"password", "long enough pw"},
                  {"label", "x"}, {"by", "1h"},        {"public_key", "k"}};
  int checked = 0;
  for (const std::string user : {"duty", "leader-a", "auditor"}) {
    std::string csrf;
    const std::string cookie = Login(user, &csrf);
    for (const Route& route : router_.routes()) {
      if (route.permission != Permission::kAdmin) continue;
      std::string path = route.pattern;
      for (size_t open; (open = path.find('{')) != std::string::npos;) {
        path.replace(open, path.find('}', open) - open + 1, "a1");
      }
      Request r = WithSession(Make(route.method, path, body.dump()), cookie, csrf);
      r.headers["content-type"] = "text/csv";
      const Response res = router_.Handle(r);
      EXPECT_EQ(res.status, 403) << user << " " << route.method << " " << route.pattern;
      EXPECT_EQ(json::parse(res.body)["error"]["code"], "forbidden");
      ++checked;
    }
  }
  EXPECT_GE(checked, 3 * 10);
  // A duty officer's API token is no better.
  auto token = auth_.CreateToken("monitoring", "duty_officer", "");
  Request keys = Make("GET", "/api/v1/keys");
  keys.headers["authorization"] = "Bearer " + std::get<0>(token);
  EXPECT_EQ(router_.Handle(keys).status, 403);
  EXPECT_TRUE(commands_.empty()) << "a refused request reached the backend";
}

TEST_F(AdminRoutesTest, UserAndTokenChangesNameTheAdminInTheAuditLog) {
  const Response added = As("admin", "POST", "/api/v1/users",
                            json{{"name", "wang"},
                                 {"role", "leader"},
                                 {"scope", "district-a"},
                                 {"password", "a long password"}}
                                .dump());
  EXPECT_EQ(added.status, 201) << added.body;
  EXPECT_EQ(json::parse(added.body), (json{{"added", "wang"}}));
  EXPECT_EQ(Login("wang", nullptr, "a long password").size(), 64u) << "the leader signs in";
  EXPECT_EQ(As("admin", "POST", "/api/v1/users/wang/password",
               json{{"password", "another long one"}}.dump())
                .status,
            200);
  EXPECT_EQ(Login("wang", nullptr, "another long one").size(), 64u) << "with the new password";
  EXPECT_EQ(As("admin", "POST", "/api/v1/users/wang/disable").status, 200);
  const Response token =
      As("admin", "POST", "/api/v1/tokens", json{{"label", "ops"}, {"role", "admin"}}.dump());
  EXPECT_EQ(token.status, 201);
  EXPECT_TRUE(auth_.FromApiToken(json::parse(token.body)["token"]).has_value());
  EXPECT_EQ(As("admin", "POST", "/api/v1/users", json{{"name", "li"}}.dump()).status, 400);
  // A refusal of the AuthService is a conflict, and nothing is audited for it.
  const Response again =
      As("admin", "POST", "/api/v1/users",
         json{{"name", "wang"}, {"role", "admin"}, {"password", "long enough pw"}}.dump());
  EXPECT_EQ(again.status, 409) << again.body;
  EXPECT_EQ(json::parse(again.body)["error"]["code"], "refused");
  EXPECT_EQ(AuditBy("user:admin"),
            (std::vector<std::pair<std::string, std::string>>{{"user:admin", "user.add"},
                                                              {"user:admin", "user.passwd"},
                                                              {"user:admin", "user.disable"},
                                                              {"user:admin", "token.create"}}));
  const Response users = As("admin", "GET", "/api/v1/users");
  EXPECT_EQ(users.status, 200);
  EXPECT_EQ(json::parse(users.body)[0]["name"], "admin") << "the AdminService's list";
  EXPECT_TRUE(asked_.count("users.list"));
}

TEST_F(AdminRoutesTest, KeyChangesGetTheSchoolAndTheActor) {
  auto token = auth_.CreateToken("ops", "admin", "");
  Request enrol = Make("POST", "/api/v1/keys/s9", json{{"public_key", "KEY"}}.dump());
  enrol.headers["authorization"] = "Bearer " + std::get<0>(token);  // no CSRF for tokens
  EXPECT_EQ(router_.Handle(enrol).status, 200);
  EXPECT_EQ(asked_["keys.enroll"],
            (json{{"school", "s9"}, {"public_key", "KEY"}, {"actor", "token:ops"}}));
  EXPECT_EQ(As("admin", "POST", "/api/v1/keys/s9/revoke").status, 200);
  EXPECT_EQ(asked_["keys.revoke"], (json{{"school", "s9"}, {"actor", "user:admin"}}));
  EXPECT_EQ(As("admin", "POST", "/api/v1/keys/s9", "{}").status, 400);  // no key
}

TEST_F(AdminRoutesTest, ImportTakesCsvAndAnswersEveryErrorWith422) {
  const std::string csv = "id,name,parent\nb2,乙二小学,district-b\n";
  EXPECT_EQ(As("admin", "POST", "/api/v1/schools/import", csv, "application/json").status, 415);
  EXPECT_FALSE(asked_.count("schools.import"));
  admin_.import_answer = services::SchoolImport{false, true, {"b2"}, {}, 0, {}};
  const Response dry =
      As("admin", "POST", "/api/v1/schools/import?dry_run=1", csv, "text/csv; charset=utf-8");
  EXPECT_EQ(dry.status, 200) << dry.body;
  EXPECT_EQ(json::parse(dry.body)["added"], 1);
  EXPECT_EQ(asked_["schools.import"],
            (json{{"csv", csv}, {"dry_run", true}, {"actor", "user:admin"}}));
  admin_.import_answer.dry_run = false;
  admin_.import_answer.errors = {{"import.csv", 2, "parent", "x"}, {"import.csv", 5, "id", "y"}};
  const Response bad = As("admin", "POST", "/api/v1/schools/import", csv, "text/csv");
  EXPECT_EQ(bad.status, 422);
  const json answer = json::parse(bad.body);
  EXPECT_EQ(answer["error"]["code"], "invalid_csv");
  EXPECT_EQ(answer["errors"].size(), 2u);
  EXPECT_EQ(answer["errors"][1]["line"], 5);
  EXPECT_EQ(answer["errors"][1]["column"], "id");
  EXPECT_FALSE(asked_["schools.import"]["dry_run"].get<bool>());
}

TEST_F(AdminRoutesTest, TheDrillClockMovesOnlyInADrillAndTheMoveIsAudited) {
  clock_service_.drill = false;
  const Response refused = As("admin", "POST", "/api/v1/clock/advance", json{{"by", "2h"}}.dump());
  EXPECT_EQ(refused.status, 409);
  EXPECT_EQ(json::parse(refused.body)["error"]["code"], "not_drill");
  EXPECT_TRUE(AuditBy("user:admin").empty());
  clock_service_.drill = true;
  const Response moved = As("admin", "POST", "/api/v1/clock/advance", json{{"by", "2h"}}.dump());
  EXPECT_EQ(moved.status, 200);
  EXPECT_EQ(json::parse(moved.body)["clock"], "drill");
  EXPECT_EQ(asked_["clock.advance"], (json{{"by", "2h"}}));
  const std::string to = "2026-10-03T16:30:00+08:00";
  EXPECT_EQ(As("admin", "POST", "/api/v1/clock/advance", json{{"to", to}}.dump()).status, 200);
  EXPECT_EQ(asked_["clock.advance"], (json{{"to", "2026-10-03T08:30:00.000Z"}}))
      << "an absolute time passes through";
  EXPECT_EQ(As("admin", "POST", "/api/v1/clock/advance", json{{"by", "soon"}}.dump()).status, 400);
  EXPECT_EQ(AuditBy("user:admin").size(), 2u) << "each move";
  const Response now = As("leader-a", "GET", "/api/v1/clock");  // anyone may read it
  EXPECT_EQ(now.status, 200);
  EXPECT_EQ(json::parse(now.body)["clock"], "system") << "StatusService::Clock";
}

TEST_F(AdminRoutesTest, TheOutboxIsTheAlertServicesListing) {
  const Response failed = As("duty", "GET", "/api/v1/outbox?state=failed&limit=5");
  EXPECT_EQ(failed.status, 200) << failed.body;
  const json listing = json::parse(failed.body);
  EXPECT_TRUE(listing["counts"].contains("failed")) << listing;  // every state, zero too
  EXPECT_TRUE(listing["rows"].empty());
  EXPECT_EQ(As("duty", "GET", "/api/v1/outbox?state=lost").status, 400);
  EXPECT_EQ(As("leader-a", "GET", "/api/v1/outbox").status, 403);
}

TEST_F(AdminRoutesTest, ExportsAreCsvScopedToALeaderAndAudited) {
  admin_.export_answer.rows = 1;
  admin_.export_answer.csv =
      "\xEF\xBB\xBF"
      "date\r\n";
  const Response leader =
      As("leader-a", "GET", "/api/v1/export/ledger?from=2026-10-01&to=2026-10-07");
  EXPECT_EQ(leader.status, 200);
  EXPECT_EQ(leader.Header("Content-Type"), "text/csv; charset=utf-8");
  EXPECT_NE(leader.Header("Content-Disposition").find("pingan-ledger-2026-10-01-2026-10-07.csv"),
            std::string::npos);
  EXPECT_EQ(leader.body,
            "\xEF\xBB\xBF"
            "date\r\n");
  EXPECT_EQ(asked_["export.ledger"],
            (json{{"from", "2026-10-01"}, {"to", "2026-10-07"}, {"scope", "district-a"}}));
  EXPECT_EQ(AuditBy("user:leader-a"),
            (std::vector<std::pair<std::string, std::string>>{{"user:leader-a", "export.ledger"}}));
  EXPECT_EQ(As("duty", "GET", "/api/v1/export/ledger?from=2026-10-01&to=2026-10-07&unit=b1").status,
            200);
  EXPECT_EQ(asked_["export.ledger"],
            (json{{"from", "2026-10-01"}, {"to", "2026-10-07"}, {"unit", "b1"}}));
  EXPECT_EQ(As("duty", "GET", "/api/v1/export/ledger?from=2026-10-01&to=someday").status, 400);
}

}  // namespace
}  // namespace pingan::console

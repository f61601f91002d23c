// The admin routes (admin_routes.cc): only admins reach the admin commands, the actor
// handed to the commands and written to the audit log is the signed-in user or token,
// the import answers every error with 422, and exports are CSV scoped to a leader.
#include <gtest/gtest.h>

#include "tests/console/api_fixture.h"

namespace pingan::console {
namespace {

using nlohmann::json;

class AdminRoutesTest : public ApiFixture {
 protected:
  AdminRoutesTest() {
    custom_command_ = [this](const std::string& command, const json& args) -> std::optional<json> {
      seen_[command] = args;
      if (auto it = answers_.find(command); it != answers_.end()) return it->second;
      if (command == "clock.advance" && refuse_clock_) {
        throw ApiError(500, "not_drill", "the clock can only be moved in a drill");
      }
      return std::nullopt;
    };
  }

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

  std::map<std::string, json> seen_;
  std::map<std::string, json> answers_;
  bool refuse_clock_ = false;
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
  EXPECT_EQ(seen_["users.add"], (json{{"name", "wang"},
                                      {"role", "leader"},
                                      {"scope", "district-a"},
                                      {"password", "a long password"}}));
  EXPECT_EQ(As("admin", "POST", "/api/v1/users/wang/password",
               json{{"password", "another long one"}}.dump())
                .status,
            200);
  EXPECT_EQ(seen_["users.passwd"]["name"], "wang");
  EXPECT_EQ(As("admin", "POST", "/api/v1/users/wang/disable").status, 200);
  EXPECT_EQ(As("admin", "POST", "/api/v1/tokens", json{{"label", "ops"}, {"role", "admin"}}.dump())
                .status,
            201);
  EXPECT_EQ(As("admin", "POST", "/api/v1/users", json{{"name", "li"}}.dump()).status, 400);
  EXPECT_EQ(AuditBy("user:admin"),
            (std::vector<std::pair<std::string, std::string>>{{"user:admin", "user.add"},
                                                              {"user:admin", "user.passwd"},
                                                              {"user:admin", "user.disable"},
                                                              {"user:admin", "token.create"}}));
  EXPECT_EQ(As("admin", "GET", "/api/v1/users").status, 200);
  EXPECT_TRUE(seen_.count("users.list"));
}

TEST_F(AdminRoutesTest, KeyCommandsGetTheSchoolAndTheActor) {
  auto token = auth_.CreateToken("ops", "admin", "");
  Request enrol = Make("POST", "/api/v1/keys/s9", json{{"public_key", "KEY"}}.dump());
  enrol.headers["authorization"] = "Bearer " + std::get<0>(token);  // no CSRF for tokens
  EXPECT_EQ(router_.Handle(enrol).status, 200);
  EXPECT_EQ(seen_["keys.enroll"],
            (json{{"school", "s9"}, {"public_key", "KEY"}, {"actor", "token:ops"}}));
  EXPECT_EQ(As("admin", "POST", "/api/v1/keys/s9/revoke").status, 200);
  EXPECT_EQ(seen_["keys.revoke"], (json{{"school", "s9"}, {"actor", "user:admin"}}));
  EXPECT_EQ(As("admin", "POST", "/api/v1/keys/s9", "{}").status, 400);  // no key
}

TEST_F(AdminRoutesTest, ImportTakesCsvAndAnswersEveryErrorWith422) {
  const std::string csv = "id,name,parent\nb2,乙二小学,district-b\n";
  EXPECT_EQ(As("admin", "POST", "/api/v1/schools/import", csv, "application/json").status, 415);
  EXPECT_FALSE(seen_.count("schools.import"));
  answers_["schools.import"] =
      json{{"applied", false}, {"dry_run", true}, {"added", 1}, {"errors", json::array()}};
  const Response dry =
      As("admin", "POST", "/api/v1/schools/import?dry_run=1", csv, "text/csv; charset=utf-8");
  EXPECT_EQ(dry.status, 200) << dry.body;
  EXPECT_EQ(seen_["schools.import"],
            (json{{"csv", csv}, {"dry_run", true}, {"actor", "user:admin"}}));
  answers_["schools.import"] =
      json{{"applied", false},
           {"errors", json::array({json{{"line", 2}, {"column", "parent"}, {"message", "x"}},
                                   json{{"line", 5}, {"column", "id"}, {"message", "y"}}})}};
  const Response bad = As("admin", "POST", "/api/v1/schools/import", csv, "text/csv");
  EXPECT_EQ(bad.status, 422);
  const json answer = json::parse(bad.body);
  EXPECT_EQ(answer["error"]["code"], "invalid_csv");
  EXPECT_EQ(answer["errors"].size(), 2u);
  EXPECT_EQ(answer["errors"][1]["line"], 5);
  EXPECT_FALSE(seen_["schools.import"]["dry_run"].get<bool>());
}

TEST_F(AdminRoutesTest, TheDrillClockMovesOnlyInADrillAndTheMoveIsAudited) {
  refuse_clock_ = true;
  const Response refused = As("admin", "POST", "/api/v1/clock/advance", json{{"by", "2h"}}.dump());
  EXPECT_EQ(refused.status, 409);
  EXPECT_EQ(json::parse(refused.body)["error"]["code"], "not_drill");
  EXPECT_TRUE(AuditBy("user:admin").empty());
  refuse_clock_ = false;
  EXPECT_EQ(As("admin", "POST", "/api/v1/clock/advance", json{{"by", "2h"}}.dump()).status, 200);
  EXPECT_EQ(seen_["clock.advance"], (json{{"by", "2h"}}));
  const std::string to = "2026-10-03T16:30:00+08:00";
  EXPECT_EQ(As("admin", "POST", "/api/v1/clock/advance", json{{"to", to}}.dump()).status, 200);
  EXPECT_EQ(seen_["clock.advance"], (json{{"to", to}})) << "an absolute time passes through";
  EXPECT_EQ(AuditBy("user:admin").size(), 2u) << "each move";
  EXPECT_EQ(As("leader-a", "GET", "/api/v1/clock").status, 200);  // anyone may read it
  EXPECT_EQ(As("duty", "GET", "/api/v1/outbox?state=failed&limit=5").status, 200);
  EXPECT_EQ(seen_["outbox"], (json{{"state", "failed"}, {"limit", 5}}));
  EXPECT_EQ(As("leader-a", "GET", "/api/v1/outbox").status, 403);
}

TEST_F(AdminRoutesTest, ExportsAreCsvScopedToALeaderAndAudited) {
  answers_["export.ledger"] = json{{"from", "2026-10-01"},
                                   {"to", "2026-10-07"},
                                   {"rows", 1},
                                   {"csv",
                                    "\xEF\xBB\xBF"
                                    "date\r\n"}};
  const Response leader =
      As("leader-a", "GET", "/api/v1/export/ledger?from=2026-10-01&to=2026-10-07");
  EXPECT_EQ(leader.status, 200);
  EXPECT_EQ(leader.Header("Content-Type"), "text/csv; charset=utf-8");
  EXPECT_NE(leader.Header("Content-Disposition").find("pingan-ledger-2026-10-01-2026-10-07.csv"),
            std::string::npos);
  EXPECT_EQ(leader.body,
            "\xEF\xBB\xBF"
            "date\r\n");
  EXPECT_EQ(seen_["export.ledger"],
            (json{{"from", "2026-10-01"}, {"to", "2026-10-07"}, {"scope", "district-a"}}));
  EXPECT_EQ(AuditBy("user:leader-a"),
            (std::vector<std::pair<std::string, std::string>>{{"user:leader-a", "export.ledger"}}));
  EXPECT_EQ(As("duty", "GET", "/api/v1/export/ledger?from=2026-10-01&to=2026-10-07&unit=b1").status,
            200);
  EXPECT_EQ(seen_["export.ledger"],
            (json{{"from", "2026-10-01"}, {"to", "2026-10-07"}, {"unit", "b1"}}));
}

}  // namespace
}  // namespace pingan::console

// The exemption routes (免报) over the ApiFixture's users, answered by the real
// ExemptionService and written by a real StoreWriter: who may make and withdraw them,
// what a leader sees, the audit log, and the errors of a bad request.
#include <gtest/gtest.h>

#include "daemon/store/exemption_repository.h"
#include "tests/console/api_fixture.h"

namespace pingan::console {
namespace {

using nlohmann::json;

core::Unit Unit(std::string id, core::UnitKind kind, std::string parent) {
  core::Unit u;
  u.id = u.name = std::move(id);
  u.kind = kind;
  u.parent_id = std::move(parent);
  return u;
}

class ExemptionRoutesTest : public ApiFixture {
 protected:
  ExemptionRoutesTest() {
    using K = core::UnitKind;
    auto tree = core::OrgTree::Build(
        {Unit("city", K::kCity, ""), Unit("district-a", K::kDistrict, "city"),
         Unit("a1", K::kSchool, "district-a"), Unit("district-b", K::kDistrict, "city"),
         Unit("b1", K::kSchool, "district-b")});
    core::Requirement daily;
    daily.id = "daily";
    daily.name = "每日报平安";
    daily.kind = core::RequirementKind::kDailyAllClear;
    daily.during = {core::PeriodKind::kPublicHoliday};
    daily.deadlines = {std::chrono::hours{16}};
    auto bundle = config::MakeScheduleBundle(std::get<core::OrgTree>(std::move(tree)), {}, {daily},
                                             "Asia/Shanghai");
    schedules_.Set(std::get<config::SharedSchedule>(std::move(bundle)));
    parent_["district-a"] = parent_["district-b"] = "city";  // the routes' subtree test
  }

  static json Typhoon(const std::string& scope) {
    return {{"from", "2026-10-03"},
            {"to", "2026-10-04"},
            {"scope", scope},
            {"requirements", {"daily"}},
            {"reason", "台风停课"}};
  }
  json List(const Session& s, const std::string& query = "") {
    const Response res = Get(s, "/api/v1/exemptions" + query);
    EXPECT_EQ(res.status, 200) << res.body;
    return json::parse(res.body);
  }
};

TEST_F(ExemptionRoutesTest, ADutyOfficerMakesAndWithdrawsOneAndBothAreAudited) {
  const Session duty = As("duty");
  const Response made = Post(duty, "/api/v1/exemptions", Typhoon("district-a"));
  ASSERT_EQ(made.status, 202) << made.body;
  const json e = json::parse(made.body);
  EXPECT_EQ(e["from"], "2026-10-03");
  EXPECT_EQ(e["to"], "2026-10-04");
  EXPECT_EQ(e["scope"]["id"], "district-a");
  EXPECT_EQ(e["requirements"][0]["name"], "每日报平安");
  EXPECT_EQ(e["created_by"], "duty");
  const std::string id = e["id"];
  const json listed = List(duty);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0]["id"], id);
  EXPECT_EQ(listed[0]["reason"], "台风停课");

  ASSERT_EQ(Post(duty, "/api/v1/exemptions/" + id + "/withdraw", json::object()).status, 202);
  EXPECT_EQ(Post(duty, "/api/v1/exemptions/" + id + "/withdraw", json::object()).status, 409);
  EXPECT_EQ(Post(duty, "/api/v1/exemptions/nope/withdraw", json::object()).status, 404);
  EXPECT_TRUE(List(duty).empty()) << "withdrawn ones only with all=1";
  const json all = List(duty, "?all=1");
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0]["state"], "withdrawn");
  EXPECT_EQ(all[0]["withdrawn_by"], "duty");
  const auto actions = AuditActions();
  EXPECT_EQ(std::count(actions.begin(), actions.end(), "exemption.create"), 1);
  EXPECT_EQ(std::count(actions.begin(), actions.end(), "exemption.withdraw"), 1);
}

TEST_F(ExemptionRoutesTest, OnlyAdminsAndDutyOfficersMakeThem) {
  EXPECT_EQ(Post(As("admin"), "/api/v1/exemptions", Typhoon("b1")).status, 202);
  for (const char* user : {"leader-a", "auditor"}) {
    EXPECT_EQ(Post(As(user), "/api/v1/exemptions", Typhoon("a1")).status, 403) << user;
  }
  const std::string id = List(As("admin"))[0]["id"];
  EXPECT_EQ(Post(As("leader-a"), "/api/v1/exemptions/" + id + "/withdraw", json::object()).status,
            403);
  EXPECT_EQ(List(As("auditor")).size(), 1u) << "auditors read everything";
}

TEST_F(ExemptionRoutesTest, ALeaderSeesOnlyWhatTouchesTheirSubtree) {
  const Session duty = As("duty");
  Post(duty, "/api/v1/exemptions", Typhoon("a1"));
  Post(duty, "/api/v1/exemptions", Typhoon("b1"));
  Post(duty, "/api/v1/exemptions", Typhoon("city"));  // covers district A too
  const json seen = List(As("leader-a"));
  std::vector<std::string> scopes;
  for (const json& e : seen) scopes.push_back(e["scope"]["id"]);
  std::sort(scopes.begin(), scopes.end());
  EXPECT_EQ(scopes, (std::vector<std::string>{"a1", "city"}));
  EXPECT_EQ(List(duty).size(), 3u);
}

TEST_F(ExemptionRoutesTest, ABadRequestIsRefusedAndNothingIsStored) {
  const Session duty = As("duty");
  auto refused = [&](json body, const std::string& message) {
    const Response res = Post(duty, "/api/v1/exemptions", body);
    EXPECT_EQ(res.status, 400) << body.dump();
    EXPECT_EQ(json::parse(res.body)["error"]["message"], message) << body.dump();
  };
  json body = Typhoon("a1");
  body["to"] = "2026-10-02";
  refused(body, "'from' must not be after 'to'");
  body = Typhoon("nowhere");
  refused(body, "no unit 'nowhere'");
  body = Typhoon("a1");
  body["requirements"] = "daily, weekly";
  refused(body, "no requirement 'weekly'");
  body = Typhoon("a1");
  body["from"] = "03/10/2026";
  refused(body, "'from' must be a date YYYY-MM-DD");
  body = Typhoon("a1");
  body["reason"] = " ";
  refused(body, "a reason is required");
  EXPECT_TRUE(List(duty, "?all=1").empty());
  EXPECT_TRUE(store::ExemptionRepository(*db_).List(true, 10).empty());
}

}  // namespace
}  // namespace pingan::console

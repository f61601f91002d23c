// The console's read routes (board, board drill-down, schools, calendars, rosters,
// hand-over) over fake typed services: what they ask the services for, and that a leader
// of district A is scoped to it everywhere (404 for B's units and schools, B's items
// cut out of every list).
#include <gtest/gtest.h>

#include "tests/console/api_fixture.h"

namespace pingan::console {
namespace {

using nlohmann::json;

class ConsoleQueriesTest : public ApiFixture {
 protected:
  Response Get(const std::string& target, const std::string& cookie) {
    return router_.Handle(WithSession(Make("GET", target), cookie));
  }
  json GetJson(const std::string& target, const std::string& cookie) {
    const Response res = Get(target, cookie);
    EXPECT_EQ(res.status, 200) << target << " " << res.body;
    return json::parse(res.body, nullptr, false);
  }
};

// Every read route of this group, with a query a page would send.
const char* const kReadRoutes[] = {
    "/api/v1/board",        "/api/v1/board/schools?window=2026-10-03",
    "/api/v1/schools",      "/api/v1/schools/a1",
    "/api/v1/calendars",    "/api/v1/rosters",
    "/api/v1/rosters/gaps", "/api/v1/handover",
};

TEST_F(ConsoleQueriesTest, LeadersMayNowSeeTheBoardOfTheirOwnSubtree) {
  const std::string leader = Login("leader-a");
  const json board = GetJson("/api/v1/board?date=2026-10-03", leader);
  EXPECT_EQ(board["unit"]["id"], "district-a") << "the leader's scope is the default unit";
  EXPECT_EQ(board["date"], "2026-10-03");
  EXPECT_EQ(GetJson("/api/v1/board?unit=a1", leader)["unit"]["id"], "a1");
  const Response other = Get("/api/v1/board?unit=district-b", leader);
  EXPECT_EQ(other.status, 404);
  EXPECT_EQ(json::parse(other.body)["error"]["code"], "not_found");
  // Organisation-wide daemon status stays closed to leaders.
  EXPECT_EQ(Get("/api/v1/status", leader).status, 403);
}

TEST_F(ConsoleQueriesTest, OthersSeeTheWholeOrganisationUnlessTheyPickAUnit) {
  const std::string duty = Login("duty");
  EXPECT_EQ(GetJson("/api/v1/board", duty)["unit"]["id"], "")
      << "the service's default (the root) applies";
  EXPECT_EQ(GetJson("/api/v1/board?unit=district-b", duty)["unit"]["id"], "district-b");
  EXPECT_EQ(GetJson("/api/v1/board/schools?window=2026-10-03", duty).size(), 2u);
  EXPECT_EQ(GetJson("/api/v1/schools", duty).size(), 2u);
  EXPECT_EQ(GetJson("/api/v1/rosters", duty)["rosters"].size(), 2u);
  EXPECT_EQ(GetJson("/api/v1/handover", duty)["counts"]["opened"], 2);
  const std::string auditor = Login("auditor");
  EXPECT_EQ(GetJson("/api/v1/schools/b1", auditor)["id"], "b1");
}

TEST_F(ConsoleQueriesTest, ALeaderOfDistrictANeverSeesB1) {
  const std::string leader = Login("leader-a");
  for (const char* target : kReadRoutes) {
    const Response res = Get(target, leader);
    EXPECT_EQ(res.status, 200) << target << " " << res.body;
    EXPECT_EQ(res.body.find("b1"), std::string::npos) << target << " " << res.body;
    EXPECT_EQ(res.body.find("district-b"), std::string::npos) << target << " " << res.body;
  }
  EXPECT_EQ(Get("/api/v1/schools/b1", leader).status, 404);
  EXPECT_EQ(Get("/api/v1/schools?unit=district-b", leader).status, 404);
  EXPECT_EQ(Get("/api/v1/board/schools?window=2026-10-03&unit=district-b", leader).status, 404);
  EXPECT_EQ(Get("/api/v1/handover?unit=district-b", leader).status, 404);
  EXPECT_EQ(Get("/api/v1/rosters?unit=district-b", leader).status, 404);
}

TEST_F(ConsoleQueriesTest, TheHandOverOfALeaderCountsOnlyWhatTheyMaySee) {
  const std::string leader = Login("leader-a");
  const json h = GetJson("/api/v1/handover?since=2026-10-02T21:00:00Z", leader);
  EXPECT_EQ(asked_["handover"]["since"], "2026-10-02T21:00:00.000Z");
  EXPECT_EQ(asked_["handover"]["unit"], "district-a");
  EXPECT_EQ(h["unit"], "district-a");
  EXPECT_EQ(Get("/api/v1/handover?since=yesterday", leader).status, 400);
  for (const char* list : {"opened", "acknowledged", "incidents", "still_open"}) {
    ASSERT_EQ(h[list].size(), 1u) << list;
    EXPECT_EQ(h[list][0]["school_id"], "a1") << list;
    EXPECT_EQ(h["counts"][list], 1) << list;
  }
  EXPECT_TRUE(h["resolved"].empty());
  EXPECT_EQ(h["counts"]["resolved"], 0);
}

TEST_F(ConsoleQueriesTest, DrillDownAndSchoolPagesPassTheirQueries) {
  const std::string duty = Login("duty");
  const json one = GetJson(
      "/api/v1/board/schools?window=2026-10-03&requirement=daily&status=missing&limit=1", duty);
  ASSERT_EQ(one.size(), 1u) << "the limit applies";
  EXPECT_EQ(one[0]["school_id"], "a1");
  const json school = GetJson("/api/v1/schools/a1?days=7", duty);
  EXPECT_EQ(school["id"], "a1");
  EXPECT_EQ(asked_["school.show"], (json{{"id", "a1"}, {"days", 7}}));
  EXPECT_EQ(Get("/api/v1/schools/a1?days=0", duty).status, 400);
  EXPECT_EQ(Get("/api/v1/schools/a1?days=7x", duty).status, 400);
  EXPECT_EQ(Get("/api/v1/schools?limit=0", duty).status, 400);
  EXPECT_EQ(GetJson("/api/v1/rosters/gaps?days=30", duty)["days"], 30);
  EXPECT_EQ(asked_["rosters.gaps"]["days"], 30);
  GetJson("/api/v1/rosters?at=2026-10-03T08:00:00%2B08:00", duty);
  EXPECT_EQ(asked_["rosters"]["at"], "2026-10-03T00:00:00.000Z");
  EXPECT_EQ(Get("/api/v1/rosters?at=soon", duty).status, 400);
  EXPECT_EQ(Get("/api/v1/rosters/gaps?days=400", duty).status, 400);
}

TEST_F(ConsoleQueriesTest, CalendarsCarryTheNextDeadlines) {
  const std::string leader = Login("leader-a");
  const json calendars = GetJson("/api/v1/calendars", leader);
  EXPECT_EQ(calendars["time_zone"], "Asia/Shanghai");
  EXPECT_TRUE(calendars["next_deadlines"].is_array());
  EXPECT_EQ(std::count(commands_.begin(), commands_.end(), "calendar.show"), 1);
  EXPECT_EQ(std::count(commands_.begin(), commands_.end(), "deadlines.next"), 1);
  EXPECT_EQ(asked_["deadlines.next"], (json{{"limit", 10}, {"unit", "district-a"}}));
}

// Counts and lists the routes cannot cut themselves (deadline counts, roster counts,
// calendars) are asked for the leader's unit, so the services count only their subtree
// (tests/app/leader_scope_test.cc shows the services doing so).
TEST_F(ConsoleQueriesTest, ScopedCountsAreAskedForTheLeadersUnit) {
  std::map<std::string, json> seen;
  custom_command_ = [&seen](const std::string& command, const json& args) {
    seen[command] = args;
    return std::optional<json>();
  };
  const std::string leader = Login("leader-a");
  for (const char* target : {"/api/v1/deadlines", "/api/v1/calendars", "/api/v1/rosters/gaps"}) {
    seen.clear();
    EXPECT_EQ(Get(target, leader).status, 200) << target;
    EXPECT_FALSE(seen.empty()) << target;
    for (const auto& [command, args] : seen) {
      EXPECT_EQ(args.value("unit", ""), "district-a") << target << " " << command;
    }
  }
  EXPECT_EQ(Get("/api/v1/deadlines?unit=district-b", leader).status, 404);
  EXPECT_EQ(Get("/api/v1/calendars?unit=district-b", leader).status, 404);
  EXPECT_EQ(Get("/api/v1/rosters/gaps?unit=district-b", leader).status, 404);
  seen.clear();
  EXPECT_EQ(Get("/api/v1/deadlines?unit=a1", leader).status, 200);
  EXPECT_EQ(seen["deadlines.next"]["unit"], "a1") << "a unit inside the subtree";
  // Others see the whole organisation unless they pick a unit.
  const std::string duty = Login("duty");
  seen.clear();
  EXPECT_EQ(Get("/api/v1/deadlines", duty).status, 200);
  EXPECT_FALSE(seen["deadlines.next"].contains("unit"));
  EXPECT_EQ(Get("/api/v1/rosters/gaps?unit=district-b", duty).status, 200);
  EXPECT_EQ(seen["rosters.gaps"]["unit"], "district-b");
}

// A message quoting the request's own bytes (an id from the path) that are not UTF-8
// still makes a JSON answer, not an exception that leaves the request unanswered.
TEST_F(ConsoleQueriesTest, AnIdThatIsNotUtf8StillGetsAJsonAnswer) {
  const std::string leader = Login("leader-a");
  const Response res = Get("/api/v1/schools/%FF%FE", leader);
  EXPECT_EQ(res.status, 404);
  EXPECT_TRUE(json::accept(res.body)) << res.body;
}

}  // namespace
}  // namespace pingan::console

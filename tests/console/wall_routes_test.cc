// The wall (大屏) over the ApiFixture: the kiosk role that reads the wall and nothing
// else, whose session outlives any idleness but not its absolute limit (on the fake
// clock, standing for the daemon's), and GET /api/v1/wall: open incidents pinned above
// the missed reports, counted as the incident page counts them.
#include <gtest/gtest.h>

#include "tests/console/api_fixture.h"

namespace pingan::console {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

class WallRoutesTest : public ApiFixture {
 protected:
  WallRoutesTest() { status_.drill = true; }
  json Wall(const Session& s) {
    const Response res = Get(s, "/api/v1/wall");
    EXPECT_EQ(res.status, 200) << res.body;
    return json::parse(res.body);
  }
};

TEST_F(WallRoutesTest, TheWallRoleReadsTheWallAndNothingElse) {
  // Stored like any user (migration 9 lets the role through the table's CHECK).
  EXPECT_EQ(db_->sql().execAndGet("SELECT role FROM users WHERE name = 'wall'").getString(),
            "wall");
  const Session wall = As("wall");
  EXPECT_EQ(Get(wall, "/api/v1/wall").status, 200);
  const json session = json::parse(Get(wall, "/api/v1/session").body);
  EXPECT_EQ(session["role"], "wall");
  EXPECT_EQ(session["permissions"], (json{"public", "session", "view_board"}));
  int refused = 0;
  for (const Route& route : router_.routes()) {
    if (route.permission == Permission::kPublic || route.permission == Permission::kSession ||
        route.permission == Permission::kViewBoard)
      continue;
    const Response res = router_.Handle(
        WithSession(Make(route.method, route.pattern, "{}"), wall.cookie, wall.csrf));
    EXPECT_EQ(res.status, 403) << route.method << " " << route.pattern;
    ++refused;
  }
  EXPECT_GE(refused, 30);
  Drain();
  EXPECT_EQ(alert_service_.Find("alert-a").state, core::AlertState::kOpen);
  EXPECT_TRUE(changed_.empty()) << "a refused change reached the incident service";
  // Leaders see a subtree, never the organisation's wall.
  EXPECT_EQ(Get(As("leader-a"), "/api/v1/wall").status, 403);
  for (const char* user : {"admin", "duty", "auditor"}) {
    EXPECT_EQ(Get(As(user), "/api/v1/wall").status, 200) << user;
  }
}

TEST_F(WallRoutesTest, AWallSessionNeverIdlesOutButEndsAfterNinetyDays) {
  const Session wall = As("wall");
  const Session duty = As("duty");
  clock_.Advance(2h);  // a simulated hour and more, nobody touching either screen
  EXPECT_EQ(Get(wall, "/api/v1/wall").status, 200);
  EXPECT_EQ(Get(duty, "/api/v1/session").status, 401) << "others still idle out";
  clock_.Advance(std::chrono::hours{24 * 89});
  EXPECT_EQ(Get(wall, "/api/v1/session").status, 200);
  clock_.Advance(std::chrono::hours{24});
  EXPECT_EQ(Get(wall, "/api/v1/session").status, 401) << "the absolute limit holds";
}

TEST_F(WallRoutesTest, OpenIncidentsArePinnedAndCountedAsTheIncidentPageCountsThem) {
  const Session duty = As("duty");
  const json wall = Wall(As("wall"));
  const json page = json::parse(Get(duty, "/api/v1/incidents?state=open").body);
  ASSERT_EQ(page.size(), 2u);
  EXPECT_EQ(wall["counts"]["open_incidents"], page.size());
  ASSERT_EQ(wall["incidents"].size(), page.size());
  for (const json& i : wall["incidents"]) {
    EXPECT_EQ(i["severity"], "III");
    EXPECT_FALSE(i.contains("summary")) << "no free text on the wall";
  }
  EXPECT_EQ(wall["counts"]["missed_reports"], 2);
  EXPECT_EQ(wall["reports"].size(), 2u);
  EXPECT_EQ(wall["clock"], "drill");
  EXPECT_EQ(wall["now"], core::FormatInstantUtc(clock_.Now()));
  EXPECT_EQ(wall.dump().find("protected text"), std::string::npos);

  // A closed incident leaves the wall as it leaves the open incident page.
  const Response closed = Post(duty, "/api/v1/incidents/report-a/close", {{"outcome", "handled"}});
  ASSERT_EQ(closed.status, 202) << closed.body;
  const json after = Wall(As("wall"));
  EXPECT_EQ(after["counts"]["open_incidents"], 1);
  ASSERT_EQ(after["incidents"].size(), 1u);
  EXPECT_EQ(after["incidents"][0]["report_id"], "report-b");
  // An acknowledged missing report is being handled but still missing; a resolved one
  // leaves the wall.
  ASSERT_EQ(Post(duty, "/api/v1/alerts/alert-a/ack", {{"comment", "calling"}}).status, 202);
  EXPECT_EQ(Wall(As("wall"))["counts"]["missed_reports"], 2);
  ASSERT_EQ(Post(duty, "/api/v1/alerts/alert-a/resolve",
                 {{"reason", "handled"}, {"comment", "reported by phone"}})
                .status,
            202);
  const json resolved = Wall(As("wall"));
  EXPECT_EQ(resolved["counts"]["missed_reports"], 1);
  ASSERT_EQ(resolved["reports"].size(), 1u);
  EXPECT_EQ(resolved["reports"][0]["id"], "alert-b");
}

}  // namespace
}  // namespace pingan::console

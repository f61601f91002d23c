// The statistics routes over the real StatsService: scoping to a leader's subtree, a
// clear 400 for bad dates, the CSV and XLSX exports (their types, names and audit).
#include <gtest/gtest.h>

#include "tests/console/api_fixture.h"
#include "tests/services/admin_support.h"

namespace pingan::console {
namespace {

using nlohmann::json;

class StatsRoutesTest : public ApiFixture {
 protected:
  // district-a (a1, a2 paused) and district-b (b1), a daily window in the holiday.
  StatsRoutesTest() {
    schedules_.Set(services::testing::MakeBundle(services::testing::SmallOrg()));
  }

  const std::string kPeriod = "?from=2026-10-01&to=2026-10-03";
};

TEST_F(StatsRoutesTest, ALeaderGetsTheirSubtreeAndNothingOutsideIt) {
  const Response all = Get(As("duty"), "/api/v1/stats" + kPeriod);
  ASSERT_EQ(all.status, 200) << all.body;
  EXPECT_EQ(json::parse(all.body)["total"]["owed"], 9);
  const Session leader = As("leader-a");
  const Response mine = Get(leader, "/api/v1/stats" + kPeriod);
  ASSERT_EQ(mine.status, 200) << mine.body;
  const json s = json::parse(mine.body);
  EXPECT_EQ(s["unit"]["id"], "district-a");
  EXPECT_EQ(s["total"]["owed"], 6);
  EXPECT_EQ(s["total"]["excused"], 3);
  EXPECT_EQ(Get(leader, "/api/v1/stats" + kPeriod + "&unit=b1").status, 404);
  EXPECT_EQ(Get(leader, "/api/v1/export/stats.xlsx" + kPeriod + "&unit=district-b").status, 404);
  EXPECT_EQ(Get(leader, "/api/v1/stats" + kPeriod + "&unit=a1").status, 200);
}

TEST_F(StatsRoutesTest, BadDatesAnswer400NamingTheProblem) {
  const Session duty = As("duty");
  const Response bad = Get(duty, "/api/v1/stats?from=2026-13-01&to=2026-10-03");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(json::parse(bad.body)["error"]["message"], "'from' must be YYYY-MM-DD");
  const Response order = Get(duty, "/api/v1/stats?from=2026-10-03&to=2026-10-01");
  EXPECT_EQ(order.status, 400);
  EXPECT_EQ(json::parse(order.body)["error"]["message"], "'from' must not be after 'to'");
  EXPECT_EQ(Get(duty, "/api/v1/stats?to=2026-10-01").status, 400);
  EXPECT_EQ(Get(duty, "/api/v1/stats" + kPeriod + "&repeat_days=two").status, 400);
  EXPECT_EQ(Get(duty, "/api/v1/export/stats.csv?from=2025-01-01&to=2026-10-01").status, 400);
}

TEST_F(StatsRoutesTest, ExportsAreFilesOfTheSameFiguresAndAudited) {
  const Session duty = As("duty");
  const Response xlsx = Get(duty, "/api/v1/export/stats.xlsx" + kPeriod + "&unit=district-a");
  ASSERT_EQ(xlsx.status, 200) << xlsx.body;
  EXPECT_EQ(xlsx.body.substr(0, 2), "PK") << "a zip container";
  EXPECT_EQ(xlsx.Header("Content-Type"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  EXPECT_EQ(xlsx.Header("Content-Disposition"),
            "attachment; filename=\"pingan-stats-2026-10-01-2026-10-03-district-a.xlsx\"");
  const Response csv = Get(duty, "/api/v1/export/stats.csv" + kPeriod);
  ASSERT_EQ(csv.status, 200);
  EXPECT_EQ(csv.Header("Content-Type"), "text/csv; charset=utf-8");
  EXPECT_NE(csv.body.find("summary,2026-10-01,2026-10-03,,全部单位,9,"), std::string::npos)
      << csv.body;
  const auto actions = AuditActions();
  EXPECT_EQ(std::count(actions.begin(), actions.end(), "export.stats"), 2);
}

}  // namespace
}  // namespace pingan::console

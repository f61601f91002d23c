// schools and school.show over a real database: search, scope, a school's page with its
// path, contacts, on-time record and open alerts.
#include "daemon/services/school_commands.h"

#include <gtest/gtest.h>

#include "daemon/jobs/deadline_sweep.h"
#include "tests/services/console_query_support.h"

namespace pingan::services {
namespace {

using nlohmann::json;
using testing::At;

class SchoolCommandsTest : public testing::ConsoleQueryTest {};

std::vector<std::string> Ids(const json& list, const char* key = "id") {
  std::vector<std::string> out;
  for (const json& item : list) out.push_back(item[key]);
  return out;
}

TEST_F(SchoolCommandsTest, ListsSchoolsInTreeOrderWithParentAndZone) {
  const json all = Ok("schools", json::object());
  EXPECT_EQ(Ids(all), (std::vector<std::string>{"a1", "a2", "a3", "b1"}));
  EXPECT_EQ(all[0]["name"], "甲一小");
  EXPECT_EQ(all[0]["parent_id"], "da");
  EXPECT_EQ(all[0]["parent_name"], "甲区教育局");
  EXPECT_EQ(all[0]["time_zone"], "Asia/Shanghai");
  EXPECT_EQ(all[0]["paused"], false);
  EXPECT_EQ(all[2]["paused"], true);
}

TEST_F(SchoolCommandsTest, SearchesIdsAndNamesWithinAUnit) {
  EXPECT_EQ(Ids(Ok("schools", {{"q", "A2"}})), (std::vector<std::string>{"a2"}))
      << "ids match without regard to case";
  EXPECT_EQ(Ids(Ok("schools", {{"q", "一小"}})), (std::vector<std::string>{"a1", "b1"}));
  EXPECT_EQ(Ids(Ok("schools", {{"q", "一小"}, {"unit", "db"}})), (std::vector<std::string>{"b1"}));
  EXPECT_EQ(Ids(Ok("schools", {{"limit", 2}})), (std::vector<std::string>{"a1", "a2"}));
  EXPECT_TRUE(Ok("schools", {{"q", "nothing"}}).empty());
  EXPECT_EQ(ErrorCode("schools", {{"unit", "elsewhere"}}), "not_found");
  EXPECT_EQ(ErrorCode("schools", {{"limit", 0}}), "bad_request");
}

TEST_F(SchoolCommandsTest, ASchoolPageHasItsPathContactsAndRecord) {
  Received("a1", 1, At(1, 9));
  Received("a1", 2, At(2, 16, 50), /*late=*/true);
  const std::string alert = Missing("a1", 3);
  const json s = Ok("school.show", {{"id", "a1"}});
  EXPECT_EQ(s["name"], "甲一小");
  ASSERT_EQ(s["path"].size(), 2u);
  EXPECT_EQ(s["path"][0]["id"], "city") << "from the root down to the parent";
  EXPECT_EQ(s["path"][1]["name"], "甲区教育局");
  EXPECT_EQ(s["time_zone"], "Asia/Shanghai");
  ASSERT_EQ(s["contacts"].size(), 2u);
  EXPECT_EQ(s["contacts"][0]["role"], "primary_accountable");
  EXPECT_EQ(s["contacts"][0]["phone"], "13700000001");
  // Newest first: the 3rd (missing), 2nd (late), 1st (on time), then September's monthly
  // summary (due 09-30 17:00), which nobody has decided yet.
  const json& h = s["history"];
  ASSERT_EQ(h.size(), 4u) << h.dump();
  EXPECT_EQ(h[0]["window_id"], "2026-10-03");
  EXPECT_EQ(h[0]["status"], "missing");
  EXPECT_EQ(h[0]["requirement_name"], "假期每日平安报");
  EXPECT_EQ(h[0]["covers"], "2026-10-03");
  EXPECT_EQ(h[1]["status"], "late");
  EXPECT_EQ(h[1]["lateness_minutes"], 50);
  EXPECT_EQ(h[2]["status"], "on_time");
  EXPECT_EQ(h[2]["received_at"], core::FormatInstantUtc(At(1, 9)));
  EXPECT_EQ(h[3]["window_id"], "2026-09");
  EXPECT_EQ(h[3]["kind"], "monthly");
  EXPECT_EQ(h[3]["status"], "outstanding");
  const json& stats = s["stats"];
  EXPECT_EQ(stats["days"], 30);
  EXPECT_EQ(stats["windows"], 3);
  EXPECT_EQ(stats["on_time"], 1);
  EXPECT_EQ(stats["late"], 1);
  EXPECT_EQ(stats["missing"], 1);
  EXPECT_EQ(stats["outstanding"], 1);
  EXPECT_DOUBLE_EQ(stats["on_time_rate"].get<double>(), 1.0 / 3.0);
  ASSERT_EQ(s["open_alerts"].size(), 1u);
  EXPECT_EQ(s["open_alerts"][0]["id"], alert);
  EXPECT_EQ(s["open_alerts"][0]["kind"], "missing");
}

TEST_F(SchoolCommandsTest, WindowsBeforeTheFirstSweepAreNotGuessed) {
  Received("a1", 3, At(3, 9));
  // The sweep has decided everything up to now: a window without a row predates it.
  store::LedgerRepository(db_).SetState(jobs::kSweepPositionKey,
                                        std::to_string(core::ToUnixMillis(At(3, 17))));
  const json h = Ok("school.show", {{"id", "a1"}, {"days", 7}})["history"];
  ASSERT_EQ(h.size(), 1u) << h.dump();
  EXPECT_EQ(h[0]["window_id"], "2026-10-03");
}

TEST_F(SchoolCommandsTest, TodaysWindowIsOutstandingBeforeItsDeadline) {
  clock_.Set(At(3, 10));
  const json h = Ok("school.show", {{"id", "b1"}, {"days", 1}})["history"];
  ASSERT_GE(h.size(), 1u);
  EXPECT_EQ(h[0]["window_id"], "2026-10-03");
  EXPECT_EQ(h[0]["status"], "outstanding");
}

TEST_F(SchoolCommandsTest, APausedSchoolIsExcusedAndHasNoRate) {
  const json s = Ok("school.show", {{"id", "a3"}, {"days", 7}});
  EXPECT_EQ(s["paused"], true);
  EXPECT_EQ(s["pause_reason"], "合并");
  EXPECT_EQ(s["stats"]["excused"], s["stats"]["windows"]);
  EXPECT_GE(s["stats"]["windows"].get<int>(), 3);
  EXPECT_TRUE(s["stats"]["on_time_rate"].is_null());
}

TEST_F(SchoolCommandsTest, OnlySchoolsHavePages) {
  EXPECT_EQ(ErrorCode("school.show", {{"id", "da"}}), "not_found");
  EXPECT_EQ(ErrorCode("school.show", {{"id", "zz"}}), "not_found");
  EXPECT_EQ(ErrorCode("school.show", json::object()), "bad_request");
  EXPECT_EQ(ErrorCode("school.show", {{"id", "a1"}, {"days", 0}}), "bad_request");
}

}  // namespace
}  // namespace pingan::services

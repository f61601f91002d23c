// board and board.schools over a real database: counts per window and per child unit,
// scoping by unit, incidents of the day, the drill-down to schools.
#include "daemon/services/board_commands.h"

#include <gtest/gtest.h>

#include "tests/services/console_query_support.h"

namespace pingan::services {
namespace {

using nlohmann::json;
using testing::At;

class BoardCommandsTest : public testing::ConsoleQueryTest {
 protected:
  // 2026-10-03: a1 on time, b1 45 minutes late, a2 missing, a3 paused; an incident at a1
  // that day and one at b1 the day before.
  void FillOctoberThird() {
    Received("a1", 3, At(3, 9));
    Received("b1", 3, At(3, 16, 45), /*late=*/true);
    missing_alert_ = Missing("a2", 3);
    Incident("a1", 3, At(3, 11));
    Incident("b1", 2, At(2, 20));
  }

  static const json& Unit(const json& window, const std::string& id) {
    for (const json& u : window["units"]) {
      if (u["unit_id"] == id) return u;
    }
    static const json kNone;
    ADD_FAILURE() << "no unit " << id << " in " << window.dump();
    return kNone;
  }

  std::string missing_alert_;
};

TEST_F(BoardCommandsTest, TodaysWindowWithCountsPerDistrict) {
  FillOctoberThird();
  const json board = Ok("board", json::object());
  EXPECT_EQ(board["date"], "2026-10-03") << "today in the default zone";
  EXPECT_EQ(board["unit"]["id"], "city") << "the root by default";
  EXPECT_EQ(board["incidents"], 1) << "b1's incident covers the 2nd";
  ASSERT_EQ(board["windows"].size(), 1u) << "the monthly summary is not due today";
  const json& w = board["windows"][0];
  EXPECT_EQ(w["requirement_id"], "holiday-daily");
  EXPECT_EQ(w["requirement_name"], "假期每日平安报");
  EXPECT_EQ(w["window_id"], "2026-10-03");
  EXPECT_EQ(w["deadline"], "2026-10-03T08:00:00.000Z");
  EXPECT_EQ(w["deadline_local"], "16:00");
  EXPECT_EQ(w["time_zone"], "Asia/Shanghai");
  EXPECT_EQ(w["grace_end"], "2026-10-03T08:30:00.000Z");
  EXPECT_EQ(w["schools"], 4);
  EXPECT_EQ(w["on_time"], 1);
  EXPECT_EQ(w["late"], 1);
  EXPECT_EQ(w["missing"], 1);
  EXPECT_EQ(w["excused"], 1) << "a3 is paused";
  EXPECT_EQ(w["outstanding"], 0);
  EXPECT_EQ(w["incidents"], 1);
  ASSERT_EQ(w["units"].size(), 2u);
  const json& da = Unit(w, "da");
  EXPECT_EQ(da["unit_name"], "甲区教育局");
  EXPECT_EQ(da["schools"], 3);
  EXPECT_EQ(da["on_time"], 1);
  EXPECT_EQ(da["missing"], 1);
  EXPECT_EQ(da["excused"], 1);
  EXPECT_EQ(da["incidents"], 1);
  const json& db = Unit(w, "db");
  EXPECT_EQ(db["schools"], 1);
  EXPECT_EQ(db["late"], 1);
  EXPECT_EQ(db["incidents"], 0);
}

TEST_F(BoardCommandsTest, AUnitSeesOnlyItsSubtreeWithItsSchoolsAsChildren) {
  FillOctoberThird();
  const json board = Ok("board", {{"unit", "db"}});
  EXPECT_EQ(board["unit"]["name"], "乙区教育局");
  EXPECT_EQ(board["incidents"], 0);
  ASSERT_EQ(board["windows"].size(), 1u);
  const json& w = board["windows"][0];
  EXPECT_EQ(w["schools"], 1);
  EXPECT_EQ(w["late"], 1);
  ASSERT_EQ(w["units"].size(), 1u);
  EXPECT_EQ(w["units"][0]["unit_id"], "b1");
  EXPECT_EQ(Ok("board", {{"unit", "da"}})["windows"][0]["units"].size(), 3u);
  EXPECT_EQ(ErrorCode("board", {{"unit", "nowhere"}}), "not_found");
}

TEST_F(BoardCommandsTest, AnUndecidedDayIsOutstandingAndOtherDaysAreChosenByDate) {
  FillOctoberThird();
  const json w = Ok("board", {{"date", "2026-10-04"}})["windows"][0];
  EXPECT_EQ(w["window_id"], "2026-10-04");
  EXPECT_EQ(w["outstanding"], 3);
  EXPECT_EQ(w["excused"], 1);
  EXPECT_EQ(w["on_time"], 0);
  EXPECT_EQ(Ok("board", {{"date", "2026-10-02"}})["incidents"], 1);
  // After the holiday only the monthly summary, on the day it is due.
  EXPECT_TRUE(Ok("board", {{"date", "2026-10-12"}})["windows"].empty());
  const json month = Ok("board", {{"date", "2026-10-30"}});
  ASSERT_EQ(month["windows"].size(), 1u);
  EXPECT_EQ(month["windows"][0]["requirement_name"], "月度安全小结");
  EXPECT_EQ(month["windows"][0]["window_id"], "2026-10");
  EXPECT_EQ(month["windows"][0]["deadline_local"], "17:00");
  EXPECT_EQ(ErrorCode("board", {{"date", "10/03/2026"}}), "bad_request");
}

TEST_F(BoardCommandsTest, DrillDownListsTheSchoolsOfAStatus) {
  FillOctoberThird();
  const json missing = Ok("board.schools", {{"window", "2026-10-03"}, {"status", "missing"}});
  ASSERT_EQ(missing.size(), 1u);
  EXPECT_EQ(missing[0]["school_id"], "a2");
  EXPECT_EQ(missing[0]["school_name"], "甲二小");
  EXPECT_EQ(missing[0]["parent_name"], "甲区教育局");
  EXPECT_EQ(missing[0]["alert_id"], missing_alert_);
  EXPECT_EQ(missing[0]["alert_state"], "open");
  EXPECT_TRUE(missing[0]["received_at"].is_null());
  const json late = Ok("board.schools", {{"window", "2026-10-03"}, {"status", "late"}});
  ASSERT_EQ(late.size(), 1u);
  EXPECT_EQ(late[0]["school_id"], "b1");
  EXPECT_EQ(late[0]["lateness_minutes"], 45);
  EXPECT_EQ(late[0]["received_at"], core::FormatInstantUtc(At(3, 16, 45)));
  const json excused = Ok("board.schools", {{"window", "2026-10-03"}, {"status", "excused"}});
  ASSERT_EQ(excused.size(), 1u);
  EXPECT_EQ(excused[0]["school_id"], "a3");
}

TEST_F(BoardCommandsTest, DrillDownIsScopedAndLimited) {
  FillOctoberThird();
  const json all = Ok("board.schools", {{"window", "2026-10-03"}});
  EXPECT_EQ(all.size(), 4u);
  const json da = Ok("board.schools", {{"window", "2026-10-03"}, {"unit", "da"}});
  ASSERT_EQ(da.size(), 3u);
  for (const json& s : da) EXPECT_NE(s["school_id"], "b1");
  EXPECT_EQ(Ok("board.schools", {{"window", "2026-10-03"}, {"limit", 2}}).size(), 2u);
  EXPECT_EQ(Ok("board.schools", {{"window", "2026-10"}, {"requirement", "monthly"}}).size(), 4u);
  EXPECT_EQ(ErrorCode("board.schools", {{"window", "2026-12-24"}}), "not_found");
  EXPECT_EQ(ErrorCode("board.schools", {{"window", "nonsense"}}), "not_found");
  EXPECT_EQ(ErrorCode("board.schools", json::object()), "bad_request");
  EXPECT_EQ(ErrorCode("board.schools", {{"window", "2026-10-03"}, {"status", "fine"}}),
            "bad_request");
}

TEST_F(BoardCommandsTest, WithoutAScheduleTheBoardSaysSo) {
  schedules_.Set(nullptr);
  EXPECT_EQ(ErrorCode("board", json::object()), "no_schedule");
}

}  // namespace
}  // namespace pingan::services

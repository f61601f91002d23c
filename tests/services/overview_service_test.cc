// OverviewService's typed queries over a real database and a fake clock: the board of
// a day (counts per window and per child unit, scope, incidents) and its drill-down to
// schools, asserted on typed values rather than JSON.
#include "daemon/services/overview_service.h"

#include <gtest/gtest.h>

#include "tests/services/console_query_support.h"

namespace pingan::services {
namespace {

using testing::At;

class OverviewServiceTest : public testing::ConsoleQueryTest {
 protected:
  // 2026-10-03: a1 on time, b1 45 minutes late, a2 missing, a3 paused; an incident at a1.
  void FillOctoberThird() {
    Received("a1", 3, At(3, 9));
    Received("b1", 3, At(3, 16, 45), /*late=*/true);
    missing_alert_ = Missing("a2", 3);
    Incident("a1", 3, At(3, 11));
  }
  std::string missing_alert_;
};

TEST_F(OverviewServiceTest, BoardCountsTodaysWindowPerChildUnit) {
  FillOctoberThird();
  const DayBoard board = overview_->Board({});
  EXPECT_EQ(board.date, date::year{2026} / 10 / 3) << "today in the default zone";
  EXPECT_EQ(board.now, clock_.Now());
  EXPECT_EQ(board.unit.id, "city");
  EXPECT_EQ(board.incidents, 1);
  ASSERT_EQ(board.windows.size(), 1u);
  const BoardWindow& w = board.windows[0];
  EXPECT_EQ(w.window.window.window_id, "2026-10-03");
  EXPECT_EQ(w.window.requirement_name, "假期每日平安报");
  core::BoardCounts total;
  total.schools = 4;
  total.on_time = 1;
  total.late = 1;
  total.missing = 1;
  total.excused = 1;
  total.incidents = 1;
  EXPECT_EQ(w.counts, total);
  ASSERT_EQ(w.units.size(), 2u);
  EXPECT_EQ(w.units[0].unit.id, "da");
  EXPECT_EQ(w.units[0].unit.kind, "district");
  EXPECT_EQ(w.units[0].counts.schools, 3);
  EXPECT_EQ(w.units[1].unit.id, "db");
  EXPECT_EQ(w.units[1].counts.late, 1);
}

TEST_F(OverviewServiceTest, BoardOfAnotherDayAndUnit) {
  FillOctoberThird();
  const DayBoard board = overview_->Board({date::year{2026} / 10 / 4, "db"});
  EXPECT_EQ(board.unit.name, "乙区教育局");
  ASSERT_EQ(board.windows.size(), 1u);
  EXPECT_EQ(board.windows[0].counts.outstanding, 1);
  ASSERT_EQ(board.windows[0].units.size(), 1u);
  EXPECT_EQ(board.windows[0].units[0].unit.id, "b1");
  EXPECT_TRUE(overview_->Board({date::year{2026} / 10 / 12, ""}).windows.empty());
  try {
    overview_->Board({std::nullopt, "nowhere"});
    ADD_FAILURE() << "an unknown unit is not found";
  } catch (const ControlError& e) {
    EXPECT_EQ(e.code, "not_found");
  }
}

TEST_F(OverviewServiceTest, BoardSchoolsOfAStatusCarryTheirAlert) {
  FillOctoberThird();
  BoardSchoolsQuery q;
  q.window = "2026-10-03";
  q.status = core::BoardStatus::kMissing;
  const std::vector<BoardSchoolRow> missing = overview_->BoardSchools(q);
  ASSERT_EQ(missing.size(), 1u);
  EXPECT_EQ(missing[0].school_id, "a2");
  EXPECT_EQ(missing[0].parent_id, "da");
  EXPECT_EQ(missing[0].alert_id, missing_alert_);
  EXPECT_EQ(missing[0].alert_state, core::AlertState::kOpen);
  EXPECT_EQ(missing[0].received_at, std::nullopt);
  q.status = core::BoardStatus::kLate;
  const std::vector<BoardSchoolRow> late = overview_->BoardSchools(q);
  ASSERT_EQ(late.size(), 1u);
  EXPECT_EQ(late[0].lateness_minutes, 45);
  EXPECT_EQ(late[0].received_at, At(3, 16, 45));
}

TEST_F(OverviewServiceTest, BoardSchoolsAreScopedLimitedAndChecked) {
  FillOctoberThird();
  BoardSchoolsQuery q;
  q.window = "2026-10-03";
  EXPECT_EQ(overview_->BoardSchools(q).size(), 4u);
  q.unit = "da";
  EXPECT_EQ(overview_->BoardSchools(q).size(), 3u);
  q.unit.clear();
  q.limit = 2;
  EXPECT_EQ(overview_->BoardSchools(q).size(), 2u);
  q.window = "2026-12-24";
  EXPECT_THROW(overview_->BoardSchools(q), ControlError);
  EXPECT_THROW(ParseStatusText("fine"), ControlError);
  EXPECT_THROW(ParseDayText("10/03/2026"), ControlError);
}

}  // namespace
}  // namespace pingan::services

// Counts and lists asked for one unit answer for its subtree only (what the console
// asks on behalf of a district leader): the next deadlines count the unit's schools
// and leave out requirements of other districts, the calendars show only periods and
// requirements that concern the unit, and the roster gaps count and list only its
// rosters. The world of console_query_support.h (city / da: a1, a2, a3 paused /
// db: b1) plus a requirement, a period and rosters of district db alone.
#include <gtest/gtest.h>

#include "daemon/services/control_handlers.h"
#include "daemon/services/roster_gaps.h"
#include "tests/services/console_query_support.h"

namespace pingan::testing {
namespace {

using nlohmann::json;

// The query world with what belongs to district db alone: a sports-day period and a
// requirement (a 10:00 all-clear during the holiday) scoped to db.
config::SharedSchedule MakeTwoDistrictWorld() {
  const config::SharedSchedule base = MakeQueryWorld();
  auto tree = std::get<core::OrgTree>(core::OrgTree::Build(base->tree.units()));
  std::vector<core::Calendar> calendars = base->calendars;
  core::Period sports;
  sports.id = "db-sports";
  sports.name = "乙区运动会";
  sports.kind = core::PeriodKind::kMajorEvent;
  sports.first = date::year{2026} / 10 / 20;
  sports.last = date::year{2026} / 10 / 21;
  sports.scope_unit_id = "db";
  calendars[0].periods.push_back(sports);
  std::vector<core::Requirement> requirements = base->requirements;
  core::Requirement db_only;
  db_only.id = "db-morning";
  db_only.name = "乙区早报";
  db_only.kind = core::RequirementKind::kDailyAllClear;
  db_only.during = {core::PeriodKind::kPublicHoliday};
  db_only.deadlines = {std::chrono::hours{10}};
  db_only.scope_unit_id = "db";
  requirements.push_back(db_only);
  auto bundle = config::MakeScheduleBundle(std::move(tree), std::move(calendars),
                                           std::move(requirements), "Asia/Shanghai");
  return std::get<config::SharedSchedule>(std::move(bundle));
}

// Rosters of both districts, each with a hole during the holiday (da on 10-05, db on
// 10-06, 08:00 to 20:00).
config::SharedEscalation MakeRosters() {
  auto setup = MakeSetup();
  auto local = [](int day, int hour) {
    return date::local_days{date::year{2026} / 10 / day} + std::chrono::hours{hour};
  };
  const core::Recipient officer{"值班员", "13800000000", "", ""};
  for (auto [unit, hole] : {std::pair{"da", 5}, std::pair{"db", 6}}) {
    auto roster = core::Roster::Build(
        unit, "Asia/Shanghai",
        {{local(1, 0), local(hole, 8), officer, ""}, {local(hole, 20), local(9, 0), officer, ""}});
    setup->rosters.emplace(unit, std::get<core::Roster>(std::move(roster)));
  }
  return setup;
}

class LeaderScopeTest : public ConsoleQueryTest {
 protected:
  LeaderScopeTest() {
    schedules_.Set(MakeTwoDistrictWorld());
    status_ = std::make_unique<services::StatusService>(services::ControlContext{
        clock_, nullptr, schedules_, dir_.File("pingan.db"), nullptr, nullptr});
    services::RegisterControlHandlers(server_, *status_);
    Register(rosters_);
  }
  // requirement_id -> schools, for the next `limit` deadlines.
  std::map<std::string, int> Deadlines(const json& args) {
    std::map<std::string, int> out;
    for (const json& w : Ok("deadlines.next", args)) {
      out[w["requirement_id"].get<std::string>() + " " + w["window_id"].get<std::string>()] =
          w["schools"].get<int>();
    }
    return out;
  }

  config::SharedEscalation rosters_ = MakeRosters();
  std::unique_ptr<services::StatusService> status_;
};

TEST_F(LeaderScopeTest, TheNextDeadlinesOfADistrictCountOnlyItsSchools) {
  // Now: 10-03 17:00. Next: the 10-04 windows (db-morning at 10:00, holiday-daily at
  // 16:00), then 10-05 ...
  const auto whole = Deadlines({{"limit", 4}});
  EXPECT_EQ(whole, (std::map<std::string, int>{{"db-morning 2026-10-04", 1},
                                               {"holiday-daily 2026-10-04", 4},
                                               {"db-morning 2026-10-05", 1},
                                               {"holiday-daily 2026-10-05", 4}}))
      << "everyone's view: a1, a2, a3 (paused) and b1";
  const auto da = Deadlines({{"limit", 3}, {"unit", "da"}});
  EXPECT_EQ(da, (std::map<std::string, int>{{"holiday-daily 2026-10-04", 3},
                                            {"holiday-daily 2026-10-05", 3},
                                            {"holiday-daily 2026-10-06", 3}}))
      << "district da: its three schools, and nothing of db's own requirement";
  const auto db = Deadlines({{"limit", 2}, {"unit", "db"}});
  EXPECT_EQ(db, (std::map<std::string, int>{{"db-morning 2026-10-04", 1},
                                            {"holiday-daily 2026-10-04", 1}}));
  EXPECT_EQ(Deadlines({{"limit", 1}, {"unit", "a1"}}),
            (std::map<std::string, int>{{"holiday-daily 2026-10-04", 1}}));
  EXPECT_EQ(ErrorCode("deadlines.next", {{"unit", "nowhere"}}), "not_found");
}

TEST_F(LeaderScopeTest, TheMonthlySummaryCountsOnlyTheDistrictsSchoolsToo) {
  int monthly_da = -1, monthly_all = -1;
  for (const json& w : Ok("deadlines.next", {{"limit", 100}, {"unit", "da"}})) {
    if (w["requirement_id"] == "monthly" && monthly_da < 0) monthly_da = w["schools"].get<int>();
  }
  for (const json& w : Ok("deadlines.next", {{"limit", 100}})) {
    if (w["requirement_id"] == "monthly" && monthly_all < 0) monthly_all = w["schools"].get<int>();
  }
  EXPECT_EQ(monthly_da, 3);
  EXPECT_EQ(monthly_all, 4);
}

TEST_F(LeaderScopeTest, TheCalendarsOfADistrictShowNothingOfItsSibling) {
  const json da = Ok("calendar.show", {{"unit", "da"}});
  EXPECT_EQ(da.dump().find("db-"), std::string::npos) << da.dump();
  ASSERT_EQ(da["calendars"].size(), 1u);
  EXPECT_EQ(da["calendars"][0]["periods"].size(), 1u) << "the city-wide holiday only";
  EXPECT_EQ(da["requirements"].size(), 2u) << "the city-wide requirements";
  const json db = Ok("calendar.show", {{"unit", "db"}});
  EXPECT_EQ(db["calendars"][0]["periods"].size(), 2u);
  EXPECT_EQ(db["requirements"].size(), 3u);
  const json all = Ok("calendar.show", json::object());
  EXPECT_EQ(all["calendars"][0]["periods"].size(), 2u);
  EXPECT_EQ(all["requirements"].size(), 3u);
  EXPECT_EQ(ErrorCode("calendar.show", {{"unit", "nowhere"}}), "not_found");
}

TEST_F(LeaderScopeTest, TheRosterGapsOfADistrictCountAndListOnlyItsRosters) {
  const json all = Ok("rosters.gaps", json::object());
  EXPECT_EQ(all["rosters"], 2);
  EXPECT_EQ(all["gaps"].size(), 2u) << all.dump();
  const json da = Ok("rosters.gaps", {{"unit", "da"}});
  EXPECT_EQ(da["rosters"], 1) << "db's roster is not counted";
  ASSERT_EQ(da["gaps"].size(), 1u) << da.dump();
  EXPECT_EQ(da["gaps"][0]["unit_id"], "da");
  EXPECT_EQ(Ok("rosters.gaps", {{"unit", "a1"}})["rosters"], 0);
  EXPECT_EQ(ErrorCode("rosters.gaps", {{"unit", "nowhere"}}), "not_found");
}

}  // namespace
}  // namespace pingan::testing

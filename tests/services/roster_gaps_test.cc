#include "daemon/services/roster_gaps.h"

#include <gtest/gtest.h>

#include "daemon/services/duty_commands.h"

#include "tests/fakes/fake_clock.h"
#include "tests/services/escalation_support.h"

namespace pingan::services {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using testing::At;

// 2026-09-DD HH:00 in Asia/Shanghai.
core::Instant September(int day, int hour) {
  return std::chrono::time_point_cast<core::Millis>(date::sys_days{date::year{2026} / 9 / day} +
                                                    std::chrono::hours{hour} - 8h);
}

// The district of escalation_support.h, with the National Day holiday (10-01..10-07).
config::SharedSchedule MakeScheduleWithHoliday() {
  config::SharedSchedule district = testing::MakeDistrict(2);
  core::Calendar calendar;
  calendar.name = "holidays";
  core::Period p;
  p.id = "national-day";
  p.name = "国庆节";
  p.kind = core::PeriodKind::kPublicHoliday;
  p.first = date::year{2026} / 10 / 1;
  p.last = date::year{2026} / 10 / 7;
  calendar.periods = {p};
  core::OrgTree tree = std::get<core::OrgTree>(core::OrgTree::Build(district->tree.units()));
  auto bundle = config::MakeScheduleBundle(std::move(tree), {calendar}, {}, "Asia/Shanghai");
  return std::get<config::SharedSchedule>(std::move(bundle));
}

// The escalation of escalation_support.h with a step paging the district's duty officer,
// whose roster covers the holiday except 10-03 08:00 to 20:00.
config::SharedEscalation MakeEscalation() {
  auto setup = testing::MakeSetup();
  setup->settings.policies.policies[0].steps[1].targets.push_back(
      core::Target::OnDuty(core::UnitRef::Ancestor(core::UnitKind::kDistrict)));
  auto local = [](int day, int hour) {
    return date::local_days{date::year{2026} / 10 / day} + std::chrono::hours{hour};
  };
  const core::Recipient officer{"值班员", "13800000000", "", ""};
  auto roster = core::Roster::Build(
      "d1", "Asia/Shanghai",
      {{local(1, 0), local(3, 8), officer, ""}, {local(3, 20), local(8, 0), officer, ""}});
  setup->rosters.emplace("d1", std::get<core::Roster>(std::move(roster)));
  return setup;
}

class RosterGapsTest : public ::testing::Test {
 protected:
  RosterGapsTest() : clock_(September(25, 9)), server_(io_, zmq_) {
    schedules_.Set(MakeScheduleWithHoliday());
  }

  // rosters.gaps over a DutyService with `escalation`.
  void Serve(config::SharedEscalation escalation) {
    duty_ = std::make_unique<DutyService>(
        ConsoleQueryContext{clock_, schedules_, {}, std::move(escalation)});
    RegisterDutyCommands(server_, *duty_);
  }

  json Call(const json& args) {
    return server_.Dispatch(json{{"command", "rosters.gaps"}, {"args", args}}.dump());
  }

  testing::FakeClock clock_;
  boost::asio::io_context io_;
  zmq::context_t zmq_;
  config::ScheduleSource schedules_;
  std::unique_ptr<DutyService> duty_;  // outlives server_'s handlers
  ControlServer server_;
};

TEST_F(RosterGapsTest, ListsTheHoleInTheDistrictRosterBeforeTheHoliday) {
  Serve(MakeEscalation());
  const json answer = Call(json::object());
  ASSERT_TRUE(answer.value("ok", false)) << answer.dump();
  const json& result = answer["result"];
  EXPECT_EQ(result["days"], 14) << "the default look-ahead";
  ASSERT_EQ(result["gaps"].size(), 1u) << result.dump();
  const json& gap = result["gaps"][0];
  EXPECT_EQ(gap["unit_id"], "d1");
  EXPECT_EQ(gap["unit_name"], "福田区教育局");
  EXPECT_EQ(gap["from"], core::FormatInstantUtc(At(3, 8)));
  EXPECT_EQ(gap["to"], core::FormatInstantUtc(At(3, 20)));
  EXPECT_EQ(gap["from_local"], "2026-10-03 08:00");
  EXPECT_EQ(gap["to_local"], "2026-10-03 20:00");
  EXPECT_EQ(gap["hours"], 12.0);
  EXPECT_EQ(gap["period"], "国庆节");
  EXPECT_EQ(gap["period_kind"], "public_holiday");
}

TEST_F(RosterGapsTest, TheLookAheadIsTheNumberOfDays) {
  Serve(MakeEscalation());
  // 09-25 09:00 + 7 days = 10-02 09:00: the hole on 10-03 is not yet in view.
  EXPECT_TRUE(Call({{"days", 7}})["result"]["gaps"].empty());
  EXPECT_EQ(Call({{"days", 8}})["result"]["gaps"].size(), 1u);
  for (const json& bad : {json(0), json(367), json("7"), json(1.5)}) {
    const json answer = Call({{"days", bad}});
    EXPECT_FALSE(answer.value("ok", true)) << bad.dump();
    EXPECT_EQ(answer["error"]["code"], "bad_request");
  }
}

TEST_F(RosterGapsTest, WithoutEscalationThereIsNothingToCover) {
  Serve(nullptr);
  const json result = Call(json::object())["result"];
  EXPECT_EQ(result["escalation"], false);
  EXPECT_TRUE(result["gaps"].empty());
}

TEST_F(RosterGapsTest, TheWatchLogsEachGapWithoutNames) {
  std::vector<std::string> lines;
  RosterGapWatch watch(io_, {clock_, schedules_, MakeEscalation()},
                       [&](const std::string& line) { lines.push_back(line); });
  EXPECT_EQ(watch.CheckNow(), 1u);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("d1"), std::string::npos);
  EXPECT_NE(lines[0].find("2026-10-03 08:00"), std::string::npos);
  EXPECT_NE(lines[0].find("国庆节"), std::string::npos);
  EXPECT_EQ(lines[0].find("值班员"), std::string::npos) << "no people in the log";
  // Once the holiday is over there is nothing to say.
  clock_.Set(At(8, 1));
  lines.clear();
  EXPECT_EQ(watch.CheckNow(), 0u);
  EXPECT_TRUE(lines.empty());
}

}  // namespace
}  // namespace pingan::services

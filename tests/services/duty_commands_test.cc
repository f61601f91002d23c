// rosters and handover over a real database: who is on duty at an instant, and the
// shift hand-over built from the alerts' stored timelines.
#include "daemon/services/duty_commands.h"

#include <gtest/gtest.h>

#include "tests/services/console_query_support.h"

namespace pingan::services {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using testing::At;

core::Roster MakeRoster(const std::string& unit, std::vector<core::Shift> shifts) {
  return std::get<core::Roster>(core::Roster::Build(unit, "Asia/Shanghai", std::move(shifts)));
}

date::local_seconds Local(int day, int hour) {
  return date::local_days{date::year{2026} / 10 / day} + std::chrono::hours{hour};
}

class DutyCommandsTest : public testing::ConsoleQueryTest {
 protected:
  // da: 王值班 08:00-20:00 on the 3rd, then 李值班 until 08:00 on the 4th; db: 赵值班
  // from the 4th only.
  void WithRosters() {
    auto setup = std::make_shared<config::EscalationSetup>();
    setup->rosters.emplace(
        "da",
        MakeRoster("da", {{Local(3, 8), Local(3, 20), {"王值班", "13800000001", "", ""}, ""},
                          {Local(3, 20), Local(4, 8), {"李值班", "13800000002", "", ""}, ""}}));
    setup->rosters.emplace(
        "db",
        MakeRoster("db", {{Local(4, 8), Local(5, 8), {"赵值班", "13800000003", "", ""}, ""}}));
    Register(setup);
  }

  // Saves `next` (a transition's result) over the stored alert.
  void Save(const core::AlertResult& next) {
    ASSERT_TRUE(std::holds_alternative<core::Alert>(next));
    store::AlertRepository(db_).Save(std::get<core::Alert>(next));
  }
  core::Alert Find(const std::string& id) { return *store::AlertRepository(db_).Find(id); }

  // Clock at 10-03 17:00, default hand-over since 05:00.
  void FillShift() {
    store::AlertRepository alerts(db_);
    // Raised and closed yesterday: nothing to hand over.
    alerts.Insert(core::NewMissingAlert("old", "a1", "holiday-daily", "2026-10-02", At(2, 10)));
    Save(core::Resolve(Find("old"), core::ResolveReason::kHandled, "李四", "ok", At(2, 12)));
    // Raised yesterday, still open: only still_open.
    alerts.Insert(
        core::NewMissingAlert("lingering", "a1", "holiday-daily", "2026-10-01", At(2, 9)));
    // Raised yesterday evening, resolved this morning by hand.
    alerts.Insert(core::NewMissingAlert("closed", "b1", "holiday-daily", "2026-10-02", At(2, 20)));
    Save(core::Resolve(Find("closed"), core::ResolveReason::kHandled, "李四", "学校已回电",
                       At(3, 10)));
    // Raised this shift: a2 missing and acknowledged; b1 missing, then its late report came.
    acked_ = Missing("a2", 3);
    Save(core::Acknowledge(Find(acked_), "王五", "正在联系学校", At(3, 16, 40), 2h));
    late_ = Missing("b1", 3);
    Save(core::ResolveByLateReport(Find(late_), "report-late", At(3, 16, 45)));
    incident_ = Incident("a1", 3, At(3, 11));
  }

  std::string acked_, late_, incident_;
};

std::vector<std::string> Ids(const json& list, const char* key = "id") {
  std::vector<std::string> out;
  for (const json& item : list) out.push_back(item[key]);
  return out;
}

TEST_F(DutyCommandsTest, WhoIsOnDutyNowAndWhoComesNext) {
  WithRosters();
  const json answer = Ok("rosters", json::object());
  EXPECT_EQ(answer["escalation"], true);
  EXPECT_EQ(answer["at"], core::FormatInstantUtc(At(3, 17)));
  ASSERT_EQ(answer["rosters"].size(), 2u);
  const json& da = answer["rosters"][0];
  EXPECT_EQ(da["unit_id"], "da");
  EXPECT_EQ(da["unit_name"], "甲区教育局");
  EXPECT_EQ(da["time_zone"], "Asia/Shanghai");
  EXPECT_EQ(da["on_duty"]["name"], "王值班");
  EXPECT_EQ(da["on_duty"]["phone"], "13800000001");
  EXPECT_EQ(da["on_duty"]["from"], core::FormatInstantUtc(At(3, 8)));
  EXPECT_EQ(da["on_duty"]["to_local"], "2026-10-03 20:00");
  EXPECT_EQ(da["next"]["name"], "李值班");
  EXPECT_FALSE(da["next"].contains("phone"));
  const json& db = answer["rosters"][1];
  EXPECT_TRUE(db["on_duty"].is_null()) << "db's roster starts tomorrow";
  EXPECT_EQ(db["next"]["name"], "赵值班");
}

TEST_F(DutyCommandsTest, RostersAtAnotherInstantAndForOneUnit) {
  WithRosters();
  const json night = Ok("rosters", {{"at", "2026-10-03T13:00:00Z"}, {"unit", "da"}});
  ASSERT_EQ(night["rosters"].size(), 1u);
  EXPECT_EQ(night["rosters"][0]["on_duty"]["name"], "李值班") << "21:00 in Shanghai";
  EXPECT_TRUE(night["rosters"][0]["next"].is_null());
  EXPECT_EQ(Ok("rosters", {{"at", "2026-10-03T21:00:00+08:00"}})["rosters"][0]["on_duty"]["name"],
            "李值班");
  EXPECT_EQ(ErrorCode("rosters", {{"at", "tonight"}}), "bad_request");
  EXPECT_EQ(ErrorCode("rosters", {{"unit", "nowhere"}}), "not_found");
}

TEST_F(DutyCommandsTest, TodaysAndTomorrowsShiftsWithTheGapsBetween) {
  WithRosters();
  const json answer = Ok("rosters", json::object());  // 10-03 17:00 in Shanghai
  const json& da = answer["rosters"][0];
  ASSERT_EQ(da["shifts"].size(), 2u);
  EXPECT_EQ(da["shifts"][0]["name"], "王值班");
  EXPECT_EQ(da["shifts"][0]["now"], true);
  EXPECT_EQ(da["shifts"][1]["name"], "李值班");
  EXPECT_EQ(da["shifts"][1]["phone"], "13800000002") << "whom to call at the hand-over";
  EXPECT_EQ(da["shifts"][1]["now"], false);
  ASSERT_EQ(da["gaps"].size(), 2u);
  EXPECT_EQ(da["gaps"][0]["from_local"], "2026-10-03 00:00");
  EXPECT_EQ(da["gaps"][0]["to_local"], "2026-10-03 08:00");
  EXPECT_EQ(da["gaps"][1]["from_local"], "2026-10-04 08:00");
  EXPECT_EQ(da["gaps"][1]["to_local"], "2026-10-05 00:00");
  const json& db = answer["rosters"][1];
  ASSERT_EQ(db["shifts"].size(), 1u);
  EXPECT_EQ(db["shifts"][0]["name"], "赵值班");
  ASSERT_EQ(db["gaps"].size(), 1u);
  EXPECT_EQ(db["gaps"][0]["to_local"], "2026-10-04 08:00");
}

TEST_F(DutyCommandsTest, ContactsOfASchoolAndItsDistrictWithWhoIsOnDuty) {
  WithRosters();
  const json answer = Ok("contacts", {{"school", "a1"}});
  EXPECT_EQ(answer["school_id"], "a1");
  ASSERT_EQ(answer["units"].size(), 2u) << "the school and its district, not the city";
  const json& school = answer["units"][0];
  EXPECT_EQ(school["unit_id"], "a1");
  EXPECT_EQ(school["kind"], "school");
  ASSERT_FALSE(school["contacts"].empty());
  EXPECT_EQ(school["contacts"][0]["name"], "张校长");
  EXPECT_EQ(school["contacts"][0]["phone"], "13700000001");
  EXPECT_TRUE(school["on_duty"].empty()) << "the school has no roster";
  const json& district = answer["units"][1];
  EXPECT_EQ(district["unit_id"], "da");
  EXPECT_EQ(district["unit_name"], "甲区教育局");
  ASSERT_EQ(district["on_duty"].size(), 1u);
  EXPECT_EQ(district["on_duty"][0]["name"], "王值班");
  EXPECT_EQ(district["on_duty"][0]["phone"], "13800000001");
  const json night = Ok("contacts", {{"school", "a1"}, {"at", "2026-10-03T21:00:00+08:00"}});
  EXPECT_EQ(night["units"][1]["on_duty"][0]["name"], "李值班");
  EXPECT_EQ(ErrorCode("contacts", {{"school", "nowhere"}}), "not_found");
  EXPECT_EQ(ErrorCode("contacts", json::object()), "bad_request");
}

TEST_F(DutyCommandsTest, WithoutEscalationThereAreNoRosters) {
  const json answer = Ok("rosters", json::object());
  EXPECT_EQ(answer["escalation"], false);
  EXPECT_TRUE(answer["rosters"].empty());
}

TEST_F(DutyCommandsTest, TheHandOverTellsWhatHappenedDuringTheShift) {
  FillShift();
  const json h = Ok("handover", json::object());
  EXPECT_EQ(h["since"], core::FormatInstantUtc(At(3, 5))) << "12 hours before now";
  EXPECT_EQ(h["until"], core::FormatInstantUtc(At(3, 17)));
  const std::string alert_of_incident = "alert-" + incident_;
  EXPECT_EQ(Ids(h["opened"]), (std::vector<std::string>{acked_, late_, alert_of_incident}))
      << "newest first; the two missing alerts of 16:30 by id";
  ASSERT_EQ(h["acknowledged"].size(), 1u);
  EXPECT_EQ(h["acknowledged"][0]["id"], acked_);
  EXPECT_EQ(h["acknowledged"][0]["school_name"], "甲二小");
  EXPECT_EQ(h["acknowledged"][0]["by"], "王五");
  EXPECT_EQ(h["acknowledged"][0]["comment"], "正在联系学校");
  EXPECT_EQ(h["acknowledged"][0]["at"], core::FormatInstantUtc(At(3, 16, 40)));
  EXPECT_EQ(Ids(h["resolved"]), (std::vector<std::string>{late_, "closed"}));
  EXPECT_EQ(h["resolved"][0]["reason"], "late_report_received");
  EXPECT_EQ(h["resolved"][0]["by"], "system");
  EXPECT_EQ(h["resolved"][1]["reason"], "handled");
  EXPECT_EQ(h["resolved"][1]["comment"], "学校已回电");
  ASSERT_EQ(h["incidents"].size(), 1u);
  EXPECT_EQ(h["incidents"][0]["report_id"], incident_);
  EXPECT_EQ(h["incidents"][0]["severity"], "III");
  EXPECT_EQ(h["incidents"][0]["injured"], 2);
  EXPECT_EQ(h.dump().find("protected text"), std::string::npos) << "never the summary";
  const json& counts = h["counts"];
  EXPECT_EQ(counts["opened"], 3);
  EXPECT_EQ(counts["acknowledged"], 1);
  EXPECT_EQ(counts["resolved"], 2);
  EXPECT_EQ(counts["incidents"], 1);
  EXPECT_EQ(counts["still_open"], 3);
}

TEST_F(DutyCommandsTest, StillOpenListsEveryUnresolvedAlertNewestFirst) {
  FillShift();
  const json h = Ok("handover", json::object());
  EXPECT_EQ(Ids(h["still_open"]),
            (std::vector<std::string>{acked_, "alert-" + incident_, "lingering"}));
  EXPECT_EQ(h["still_open"][0]["state"], "acknowledged");
  EXPECT_EQ(h["still_open"][0]["acknowledged_by"], "王五");
  EXPECT_EQ(h["still_open"][0]["requirement_name"], "假期每日平安报");
}

TEST_F(DutyCommandsTest, TheHandOverOfOneDistrictAndOfALongerSpan) {
  FillShift();
  const json db = Ok("handover", {{"unit", "db"}});
  EXPECT_EQ(db["unit"], "db");
  EXPECT_EQ(Ids(db["opened"]), (std::vector<std::string>{late_}));
  EXPECT_EQ(Ids(db["resolved"]), (std::vector<std::string>{late_, "closed"}));
  EXPECT_TRUE(db["acknowledged"].empty());
  EXPECT_TRUE(db["incidents"].empty());
  EXPECT_TRUE(db["still_open"].empty());
  EXPECT_EQ(db["counts"]["opened"], 1);
  const json two_days = Ok("handover", {{"since", "2026-10-02T00:00:00Z"}});
  EXPECT_EQ(two_days["counts"]["opened"], 6);
  EXPECT_EQ(two_days["counts"]["resolved"], 3) << "yesterday's 'old' too";
  EXPECT_EQ(ErrorCode("handover", {{"since", "2026-10-04T00:00:00Z"}}), "bad_request");
  EXPECT_EQ(ErrorCode("handover", {{"since", "2026-08-01T00:00:00Z"}}), "bad_request");
  EXPECT_EQ(ErrorCode("handover", {{"since", "yesterday"}}), "bad_request");
  EXPECT_EQ(ErrorCode("handover", {{"unit", "nowhere"}}), "not_found");
}

}  // namespace
}  // namespace pingan::services

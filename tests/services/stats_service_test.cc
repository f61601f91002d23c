// stats: the period statistics over a hand-written ledger (the same one the ledger
// export test uses), scoping to a unit and to a leader's subtree, bad periods, and the
// CSV and XLSX renderings of the same figures (the XLSX read back by openpyxl).
#include "daemon/services/stats_service.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "daemon/services/stats_commands.h"
#include "daemon/services/stats_export.h"
#include "daemon/store/alert_repository.h"
#include "daemon/store/ledger_repository.h"
#include "tests/services/admin_support.h"

namespace pingan::services {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using testing::kOct1;

core::Instant Local(int day, core::Millis t) {
  return kOct1 + date::days{day - 1} + t;
}

// The ledger: a1 on time on the 1st and late on the 2nd, b1 missing on the 1st (and
// nothing on the 2nd), a school since removed missing on the 1st; a2 is paused. Now is
// the 3rd at 10:00, before that day's 16:00 deadline. Alerts: b1's missing alert of the
// 1st acknowledged after 10 minutes and closed after 40, another raised before the period.
class StatsServiceTest : public testing::AdminCommandsFixture {
 protected:
  StatsServiceTest() : stats_(StatsServiceContext{clock_, dir_.File("pingan.db"), schedules_}) {
    RegisterStatsCommands(server_, stats_);
    store::Database db(dir_.File("pingan.db"));
    store::LedgerRepository ledger(db);
    auto row = [](const std::string& school, int day, store::LedgerRowStatus status) {
      store::LedgerRow r;
      r.school_id = school;
      r.requirement_id = "daily";
      r.window_id = "2026-10-0" + std::to_string(day);
      r.status = status;
      r.deadline = Local(day, 16h);
      return r;
    };
    auto on_time = row("a1", 1, store::LedgerRowStatus::kOnTime);
    on_time.received_at = Local(1, 15h);
    ledger.RecordReceived(on_time, Local(1, 15h));
    auto late = row("a1", 2, store::LedgerRowStatus::kLate);
    late.received_at = Local(2, 17h);
    late.lateness = 60min;
    ledger.RecordReceived(late, Local(2, 17h));
    ledger.RecordMissing(row("b1", 1, store::LedgerRowStatus::kMissing), Local(1, 16h + 30min));
    ledger.RecordMissing(row("gone", 1, store::LedgerRowStatus::kMissing), Local(1, 16h + 30min));
    store::AlertRepository alerts(db);
    alerts.Insert(core::NewMissingAlert("m1", "b1", "daily", "2026-10-01", Local(1, 16h + 30min)));
    alerts.Save(std::get<core::Alert>(
        core::Acknowledge(*alerts.Find("m1"), "duty", "", Local(1, 16h + 40min), 0h)));
    alerts.Save(
        std::get<core::Alert>(core::Resolve(*alerts.Find("m1"), core::ResolveReason::kHandled,
                                            "duty", "called", Local(1, 17h + 10min))));
    alerts.Insert(core::NewMissingAlert("old", "b1", "daily", "2026-09-30", kOct1 - 1h));
    clock_.Set(Local(3, 10h));
  }

  json Stats(json args) { return Ok("stats", args); }

  StatsService stats_;
};

json Counts(int owed, int on_time, int late, int missing, int excused, int pending, json rate) {
  return {{"owed", owed},       {"on_time", on_time}, {"late", late},        {"missing", missing},
          {"excused", excused}, {"pending", pending}, {"on_time_rate", rate}};
}

json Without(json object, std::initializer_list<const char*> keys) {
  for (const char* k : keys) object.erase(k);
  return object;
}

TEST_F(StatsServiceTest, FiguresOfTheWholeOrganisationMatchTheHandCount) {
  const json s = Stats({{"from", "2026-10-01"}, {"to", "2026-10-03"}});
  // Owed 10, as the ledger export lists 10 rows for the same period.
  EXPECT_EQ(s["total"], Counts(10, 1, 1, 3, 3, 2, 0.2));
  ASSERT_EQ(s["days"].size(), 3u);
  EXPECT_EQ(Without(s["days"][0], {"date"}), Counts(4, 1, 0, 2, 1, 0, 0.3333));
  EXPECT_EQ(Without(s["days"][1], {"date"}), Counts(3, 0, 1, 1, 1, 0, 0.0));
  EXPECT_EQ(Without(s["days"][2], {"date"}), Counts(3, 0, 0, 0, 1, 2, nullptr));
  ASSERT_EQ(s["units"].size(), 3u);
  EXPECT_EQ(s["units"][0]["id"], "district-a");
  EXPECT_EQ(Without(s["units"][0], {"id", "name"}), Counts(6, 1, 1, 0, 3, 1, 0.5));
  EXPECT_EQ(Without(s["units"][1], {"id", "name"}), Counts(3, 0, 0, 2, 0, 1, 0.0));
  EXPECT_EQ(s["units"][2]["id"], "") << "the school no longer listed";
  ASSERT_EQ(s["repeated"].size(), 1u);
  EXPECT_EQ(s["repeated"][0]["school_id"], "b1");
  EXPECT_EQ(s["repeated"][0]["name"], "乙一小学");
  EXPECT_EQ(s["repeated"][0]["district"], "乙区教育局");
  EXPECT_EQ(s["repeated"][0]["missing_days"], 2);
  EXPECT_EQ(s["alerts"]["missing"]["raised"], 1) << "the alert before the period is left out";
  EXPECT_EQ(s["alerts"]["missing"]["median_ack_minutes"], 10.0);
  EXPECT_EQ(s["alerts"]["missing"]["median_close_minutes"], 40.0);
  EXPECT_EQ(s["incidents"]["raised"], 0);
}

TEST_F(StatsServiceTest, AUnitOrALeadersScopeCountsOnlyItsSchools) {
  for (const json& args :
       {json{{"from", "2026-10-01"}, {"to", "2026-10-03"}, {"unit", "district-a"}},
        json{{"from", "2026-10-01"}, {"to", "2026-10-03"}, {"scope", "district-a"}}}) {
    const json s = Stats(args);
    EXPECT_EQ(s["total"], Counts(6, 1, 1, 0, 3, 1, 0.5)) << args.dump();
    EXPECT_EQ(s["unit"]["id"], "district-a");
    ASSERT_EQ(s["units"].size(), 2u) << "the district's schools";
    EXPECT_EQ(s["units"][0]["id"], "a1");
    EXPECT_TRUE(s["repeated"].empty());
    EXPECT_EQ(s["alerts"]["missing"]["raised"], 0) << "b1's alert lies outside";
  }
  EXPECT_EQ(
      ErrorCode(
          "stats",
          {{"from", "2026-10-01"}, {"to", "2026-10-01"}, {"unit", "b1"}, {"scope", "district-a"}}),
      "not_found");
}

TEST_F(StatsServiceTest, BadPeriodsAreRefusedWithAReason) {
  const json answer = Call("stats", {{"from", "2026-10-1"}, {"to", "2026-10-03"}});
  EXPECT_EQ(answer["error"]["code"], "bad_request");
  EXPECT_EQ(answer["error"]["message"], "'from' must be YYYY-MM-DD");
  EXPECT_EQ(ErrorCode("stats", {{"from", "2026-10-03"}, {"to", "2026-10-01"}}), "bad_request");
  EXPECT_EQ(ErrorCode("stats", {{"from", "2026-01-01"}, {"to", "2027-01-02"}}), "bad_request");
  EXPECT_EQ(ErrorCode("stats", {{"to", "2026-10-01"}}), "bad_request");
  EXPECT_EQ(ErrorCode("stats", {{"from", "2026-10-01"}, {"to", "2026-10-01"}, {"repeat_days", 0}}),
            "bad_request");
}

TEST_F(StatsServiceTest, TheRepeatThresholdComesFromTheRequest) {
  const json s = Stats({{"from", "2026-10-01"}, {"to", "2026-10-03"}, {"repeat_days", 1}});
  EXPECT_EQ(s["repeat_days"], 1);
  ASSERT_EQ(s["repeated"].size(), 3u) << "b1 (2 days), then a1 and the removed school";
}

TEST_F(StatsServiceTest, TheCsvCarriesTheSameFigures) {
  const StatsAnswer a = stats_.Compute({"2026-10-01", "2026-10-03", "", "", 2});
  const std::string csv = StatsCsv(a);
  ASSERT_EQ(csv.substr(0, 3), "\xEF\xBB\xBF");
  EXPECT_NE(csv.find("section,from,to,unit_id,unit_name,owed,on_time,late,missing,excused,"
                     "pending,on_time_rate\r\nsummary,2026-10-01,2026-10-03,,全部单位,10,1,1,3,"
                     "3,2,0.2\r\n"),
            std::string::npos)
      << csv;
  EXPECT_NE(csv.find("days,2026-10-02,3,0,1,1,1,0,0\r\n"), std::string::npos) << csv;
  EXPECT_NE(csv.find("repeated,b1,乙一小学,乙区教育局,0,2,2,3,0,0,2,0,1,0\r\n"), std::string::npos)
      << csv;
  EXPECT_NE(csv.find("alerts,missing,1,0,1,1,10,40\r\n"), std::string::npos) << csv;
}

// The workbook read back by an independent reader (python3-openpyxl from Debian).
TEST_F(StatsServiceTest, TheWorkbookHoldsTheSameNumbersForOpenpyxl) {
  const StatsAnswer a = stats_.Compute({"2026-10-01", "2026-10-03", "", "", 2});
  const std::string path = dir_.File("stats.xlsx");
  std::ofstream(path, std::ios::binary) << StatsXlsx(a);
  const std::string script = dir_.File("read.py");
  std::ofstream(script)
      << "import openpyxl, sys\n"
         "wb = openpyxl.load_workbook(sys.argv[1])\n"
         "print('|'.join(wb.sheetnames))\n"
         "for row in wb['汇总'].iter_rows(min_row=2, values_only=True): print(row)\n"
         "for row in wb['按日'].iter_rows(min_row=2, values_only=True): print(row)\n"
         "print(wb['按日']['H2'].number_format)\n";
  const std::string out_file = dir_.File("out.txt");
  // Debian's python3, where python3-openpyxl is installed (not a python3 earlier on PATH).
  const std::string command =
      "/usr/bin/python3 " + script + " " + path + " > " + out_file + " 2>&1";
  ASSERT_EQ(std::system(command.c_str()), 0);
  std::ifstream in(out_file);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  ASSERT_EQ(lines.size(), 6u);
  EXPECT_EQ(lines[0], "汇总|按日|按单位|多次迟报漏报|告警处置|突发事件");
  EXPECT_EQ(lines[1], "('2026-10-01', '2026-10-03', None, '全部单位', 10, 1, 1, 3, 3, 2, 0.2)");
  EXPECT_EQ(lines[2], "('2026-10-01', 4, 1, 0, 2, 1, 0, 0.3333)");
  EXPECT_EQ(lines[4], "('2026-10-03', 3, 0, 0, 0, 1, 2, None)");
  EXPECT_EQ(lines[5], "0.0%") << "rates show as percentages";
}

}  // namespace
}  // namespace pingan::services

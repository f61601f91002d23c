// export.ledger: the CSV's rows and statuses against a hand-written ledger, local
// times, scoping to a unit and to a leader's subtree, and the limits.
#include "daemon/services/ledger_export.h"

#include <gtest/gtest.h>

#include <sstream>

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

// Splits the CSV (after its byte-order mark) into rows of fields; no quoted commas in
// the fixtures except where a test checks them itself.
std::vector<std::vector<std::string>> Rows(const std::string& csv) {
  std::vector<std::vector<std::string>> out;
  std::istringstream in(csv.substr(3));
  for (std::string line; std::getline(in, line);) {
    EXPECT_TRUE(!line.empty() && line.back() == '\r') << "CRLF line ends";
    line.pop_back();
    std::vector<std::string> fields;
    std::istringstream split(line);
    for (std::string f; std::getline(split, f, ',');) fields.push_back(f);
    if (!line.empty() && line.back() == ',') fields.emplace_back();
    out.push_back(fields);
  }
  return out;
}

class LedgerExportTest : public testing::AdminCommandsFixture {
 protected:
  LedgerExportTest() {
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
    auto received = row("a1", 1, store::LedgerRowStatus::kOnTime);
    received.received_at = Local(1, 15h + 5min + 9s);
    ledger.RecordReceived(received, Local(1, 15h));
    auto late = row("a1", 2, store::LedgerRowStatus::kLate);
    late.received_at = Local(2, 17h + 30s);
    late.lateness = 60min + 30s;
    ledger.RecordReceived(late, Local(2, 17h));
    ledger.RecordMissing(row("b1", 1, store::LedgerRowStatus::kMissing), Local(1, 16h + 30min));
    // A school that has since been removed from the organisation.
    ledger.RecordMissing(row("gone", 1, store::LedgerRowStatus::kMissing), Local(1, 16h + 30min));
  }

  json Export(json args) { return Ok("export.ledger", args); }
};

TEST_F(LedgerExportTest, ListsEverySchoolOfEveryWindowWithItsStatus) {
  clock_.Set(Local(3, 10h));
  const json r = Export({{"from", "2026-10-01"}, {"to", "2026-10-03"}});
  const std::string csv = r["csv"];
  ASSERT_EQ(csv.substr(0, 3), "\xEF\xBB\xBF");
  const auto rows = Rows(csv);
  ASSERT_EQ(rows.size(), 1u + 10u);
  EXPECT_EQ(rows[0],
            (std::vector<std::string>{"date", "window", "requirement", "school_id", "school_name",
                                      "district", "status", "received_at", "lateness_minutes"}));
  EXPECT_EQ(r["rows"], 10);
  using V = std::vector<std::string>;
  EXPECT_EQ(rows[1], (V{"2026-10-01", "2026-10-01", "daily", "a1", "甲一小学", "甲区教育局",
                        "on_time", "2026-10-01 15:05:09", ""}));
  EXPECT_EQ(rows[2], (V{"2026-10-01", "2026-10-01", "daily", "a2", "甲二小学", "甲区教育局",
                        "excused", "", ""}));  // paused
  EXPECT_EQ(rows[3], (V{"2026-10-01", "2026-10-01", "daily", "b1", "乙一小学", "乙区教育局",
                        "missing", "", ""}));
  EXPECT_EQ(rows[4], (V{"2026-10-01", "2026-10-01", "daily", "gone", "", "", "missing", "", ""}));
  EXPECT_EQ(rows[5], (V{"2026-10-02", "2026-10-02", "daily", "a1", "甲一小学", "甲区教育局", "late",
                        "2026-10-02 17:00:30", "61"}));  // 60.5 minutes, rounded up
  // Nothing recorded although the grace ended (the sweep was not running).
  EXPECT_EQ(rows[7][3], "b1");
  EXPECT_EQ(rows[7][6], "no_record");
  // Today's deadline has not passed yet.
  EXPECT_EQ(rows[8][0], "2026-10-03");
  EXPECT_EQ(rows[8][6], "outstanding");
}

TEST_F(LedgerExportTest, AUnitOrALeadersScopeKeepsOnlyItsSchools) {
  for (const json& args :
       {json{{"from", "2026-10-01"}, {"to", "2026-10-02"}, {"unit", "district-a"}},
        json{{"from", "2026-10-01"}, {"to", "2026-10-02"}, {"scope", "district-a"}}}) {
    const auto rows = Rows(Export(args)["csv"]);
    ASSERT_EQ(rows.size(), 1u + 4u) << args.dump();
    for (size_t i = 1; i < rows.size(); ++i) EXPECT_EQ(rows[i][5], "甲区教育局") << args.dump();
  }
  const auto one =
      Rows(Export({{"from", "2026-10-01"}, {"to", "2026-10-01"}, {"unit", "b1"}})["csv"]);
  ASSERT_EQ(one.size(), 2u);
  EXPECT_EQ(one[1][3], "b1");
  // A leader asking for a unit outside their subtree learns nothing about it.
  EXPECT_EQ(
      ErrorCode(
          "export.ledger",
          {{"from", "2026-10-01"}, {"to", "2026-10-01"}, {"unit", "b1"}, {"scope", "district-a"}}),
      "not_found");
  EXPECT_EQ(
      ErrorCode("export.ledger", {{"from", "2026-10-01"}, {"to", "2026-10-01"}, {"unit", "x"}}),
      "not_found");
}

TEST_F(LedgerExportTest, PeriodsAreCheckedAndDaysOutsideThePeriodAreLeftOut) {
  EXPECT_EQ(ErrorCode("export.ledger", {{"from", "2026-10-02"}, {"to", "2026-10-01"}}),
            "bad_request");
  EXPECT_EQ(ErrorCode("export.ledger", {{"from", "2026-01-01"}, {"to", "2027-01-02"}}),
            "bad_request");  // 367 days
  EXPECT_EQ(ErrorCode("export.ledger", {{"from", "2026-10-1"}, {"to", "2026-10-01"}}),
            "bad_request");
  EXPECT_EQ(ErrorCode("export.ledger", {{"to", "2026-10-01"}}), "bad_request");
  EXPECT_EQ(Export({{"from", "2025-10-02"}, {"to", "2026-10-01"}})["rows"], 4);  // 366 days
  EXPECT_EQ(Export({{"from", "2026-10-08"}, {"to", "2026-10-31"}})["rows"],
            0);  // after the holiday
}

// The example: a summary due on the month's last day belongs to the period its
// due day lies in, not to the one its first covered day lies in.
TEST_F(LedgerExportTest, WindowsAreFiledUnderTheDayTheyAreDue) {
  core::Requirement monthly;
  monthly.id = "monthly";
  monthly.name = "月度安全汇总";
  monthly.kind = core::RequirementKind::kMonthlySummary;
  monthly.due_day = 31;  // the month's last day
  monthly.due_time = 18h;
  auto tree = core::OrgTree::Build(testing::SmallOrg());
  schedules_.Set(std::get<config::SharedSchedule>(config::MakeScheduleBundle(
      std::get<core::OrgTree>(std::move(tree)), {testing::HolidayCalendar()},
      {testing::DailyRequirement(), monthly}, "Asia/Shanghai")));
  clock_.Set(Local(11, 10h));
  const auto rows = Rows(Export({{"from", "2026-09-28"}, {"to", "2026-10-11"}})["csv"]);
  std::vector<std::pair<std::string, std::string>> monthly_rows;  // (date, window)
  for (size_t i = 1; i < rows.size(); ++i) {
    if (rows[i][2] == "monthly") monthly_rows.emplace_back(rows[i][0], rows[i][1]);
  }
  using P = std::pair<std::string, std::string>;
  EXPECT_EQ(monthly_rows,
            (std::vector<P>{
                {"2026-09-30", "2026-09"}, {"2026-09-30", "2026-09"}, {"2026-09-30", "2026-09"}}))
      << "September's summary (due 09-30) for each of the 3 schools; October's is due 10-31";
  EXPECT_EQ(Export({{"from", "2026-10-01"}, {"to", "2026-10-30"}})["csv"].get<std::string>().find(
                ",monthly,"),
            std::string::npos);
  EXPECT_EQ(Rows(Export({{"from", "2026-10-31"}, {"to", "2026-10-31"}})["csv"]).size(), 1u + 3u);
}

TEST_F(LedgerExportTest, NamesAreQuotedAndNeverRunAsFormulas) {
  auto units = testing::SmallOrg();
  units[2].name = "=HYPERLINK(\"x\")";
  units[4].name = "乙一小学, 东校区";
  schedules_.Set(testing::MakeBundle(units));
  const std::string csv = Export({{"from", "2026-10-01"}, {"to", "2026-10-01"}})["csv"];
  EXPECT_NE(csv.find(",\"'=HYPERLINK(\"\"x\"\")\","), std::string::npos) << csv;
  EXPECT_NE(csv.find(",\"乙一小学, 东校区\","), std::string::npos) << csv;
}

}  // namespace
}  // namespace pingan::services

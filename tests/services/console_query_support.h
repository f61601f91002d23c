// Shared world of the console read-command tests (board, schools, duty): a city with
// two districts, a National Day holiday with a daily all-clear due at 16:00 (30 min
// grace) and a monthly summary due on the 30th at 17:00, a real temporary database
// filled through the repositories, and the typed services with their commands registered
// on a ControlServer.
// Instants are Shanghai local times on 2026-10-DD (testing::At).
#pragma once

#include <gtest/gtest.h>

#include <SQLiteCpp/Transaction.h>

#include "daemon/services/board_commands.h"
#include "daemon/services/duty_commands.h"
#include "daemon/services/school_commands.h"
#include "daemon/store/alert_repository.h"
#include "daemon/store/ledger_repository.h"
#include "daemon/store/report_repository.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/temp_dir.h"
#include "tests/services/escalation_support.h"

namespace pingan::testing {

inline core::Unit QueryUnit(std::string id, std::string name, core::UnitKind kind,
                            std::string parent) {
  core::Unit u;
  u.id = std::move(id);
  u.name = std::move(name);
  u.kind = kind;
  u.parent_id = std::move(parent);
  return u;
}

// city 市教育局 / da 甲区: a1, a2, a3 (paused) / db 乙区: b1.
inline config::SharedSchedule MakeQueryWorld() {
  using K = core::UnitKind;
  std::vector<core::Unit> units = {QueryUnit("city", "市教育局", K::kCity, ""),
                                   QueryUnit("da", "甲区教育局", K::kDistrict, "city"),
                                   QueryUnit("a1", "甲一小", K::kSchool, "da"),
                                   QueryUnit("a2", "甲二小", K::kSchool, "da"),
                                   QueryUnit("a3", "甲三小", K::kSchool, "da"),
                                   QueryUnit("db", "乙区教育局", K::kDistrict, "city"),
                                   QueryUnit("b1", "乙一小", K::kSchool, "db")};
  units[0].time_zone = "Asia/Shanghai";
  units[2].contacts = {{core::ContactRole::kPrimaryAccountable, "张校长", "13700000001", ""},
                       {core::ContactRole::kDutyContact, "总务处", "", "a1@school.cn"}};
  units[4].paused = true;
  units[4].paused_reason = "合并";
  core::Calendar calendar;
  calendar.name = "holidays";
  core::Period p;
  p.id = "national-day";
  p.name = "国庆节";
  p.kind = core::PeriodKind::kPublicHoliday;
  p.first = date::year{2026} / 10 / 1;
  p.last = date::year{2026} / 10 / 7;
  calendar.periods = {p};
  core::Requirement daily;
  daily.id = "holiday-daily";
  daily.name = "假期每日平安报";
  daily.kind = core::RequirementKind::kDailyAllClear;
  daily.during = {core::PeriodKind::kPublicHoliday};
  daily.deadlines = {std::chrono::hours{16}};
  daily.grace = std::chrono::minutes{30};
  core::Requirement monthly;
  monthly.id = "monthly";
  monthly.name = "月度安全小结";
  monthly.kind = core::RequirementKind::kMonthlySummary;
  monthly.due_day = 30;
  monthly.due_time = std::chrono::hours{17};
  auto tree = std::get<core::OrgTree>(core::OrgTree::Build(std::move(units)));
  auto bundle =
      config::MakeScheduleBundle(std::move(tree), {calendar}, {daily, monthly}, "Asia/Shanghai");
  return std::get<config::SharedSchedule>(std::move(bundle));
}

class ConsoleQueryTest : public ::testing::Test {
 protected:
  ConsoleQueryTest() : clock_(At(3, 17)), server_(io_, zmq_), db_(dir_.File("pingan.db")) {
    schedules_.Set(MakeQueryWorld());
    Register(nullptr);
  }

  void Register(config::SharedEscalation escalation) {
    const services::ConsoleQueryContext context{clock_, schedules_, dir_.File("pingan.db"),
                                                std::move(escalation)};
    overview_ = std::make_unique<services::OverviewService>(context);
    services::RegisterBoardCommands(server_, *overview_);
    schools_ = std::make_unique<services::SchoolService>(context);
    services::RegisterSchoolCommands(server_, *schools_);
    duty_ = std::make_unique<services::DutyService>(context);
    services::RegisterDutyCommands(server_, *duty_);
  }

  nlohmann::json Call(const std::string& command, const nlohmann::json& args) {
    return server_.Dispatch(nlohmann::json{{"command", command}, {"args", args}}.dump());
  }
  nlohmann::json Ok(const std::string& command, const nlohmann::json& args) {
    const nlohmann::json answer = Call(command, args);
    EXPECT_TRUE(answer.value("ok", false)) << command << " " << answer.dump();
    return answer.value("result", nlohmann::json());
  }
  std::string ErrorCode(const std::string& command, const nlohmann::json& args) {
    const nlohmann::json answer = Call(command, args);
    EXPECT_FALSE(answer.value("ok", true)) << answer.dump();
    return answer.value("error", nlohmann::json::object()).value("code", "");
  }

  // A report of `school` for the daily window of October `day`, received at `at`.
  void Received(const std::string& school, int day, core::Instant at, bool late = false) {
    const std::string window = "2026-10-0" + std::to_string(day);
    store::LedgerRow row{
        school,      "holiday-daily",
        window,      late ? store::LedgerRowStatus::kLate : store::LedgerRowStatus::kOnTime,
        At(day, 16), "report-" + school + "-" + window,
        at,          late ? at - At(day, 16) : core::Millis{0}};
    store::LedgerRepository(db_).RecordReceived(row, at);
  }
  // The sweep found `school` silent for October `day`; returns the missing alert's id.
  std::string Missing(const std::string& school, int day) {
    const std::string window = "2026-10-0" + std::to_string(day);
    store::LedgerRow row;
    row.school_id = school;
    row.requirement_id = "holiday-daily";
    row.window_id = window;
    row.status = store::LedgerRowStatus::kMissing;
    row.deadline = At(day, 16);
    store::LedgerRepository(db_).RecordMissing(row, At(day, 16, 30));
    const std::string id = "missing-" + school + "-" + window;
    store::AlertRepository(db_).Insert(
        core::NewMissingAlert(id, school, "holiday-daily", window, At(day, 16, 30)));
    return id;
  }
  // An incident report of `school` covering October `covers`, received at `at`, with its
  // incident alert (as LedgerRecorder opens it).
  std::string Incident(const std::string& school, int covers, core::Instant at) {
    core::Report r;
    r.report_id = "incident-" + school + "-" + std::to_string(covers);
    r.school_id = school;
    r.kind = core::ReportKind::kIncident;
    r.covers = date::year{2026} / 10 / covers;
    r.agent_time = at;
    r.incident = core::Incident{
        core::IncidentCategory::kFire, core::Severity::kIII, at, "protected text", 2, 0, 0, false};
    store::ReportRepository(db_, std::chrono::hours{24}).Insert({r, at});
    auto alert = core::NewIncidentAlert("alert-" + r.report_id, r, at);
    store::AlertRepository(db_).Insert(std::get<core::Alert>(alert));
    return r.report_id;
  }

  TempDir dir_;
  FakeClock clock_;
  boost::asio::io_context io_;
  zmq::context_t zmq_;
  // The services outlive server_'s handlers.
  std::unique_ptr<services::OverviewService> overview_;
  std::unique_ptr<services::SchoolService> schools_;
  std::unique_ptr<services::DutyService> duty_;
  services::ControlServer server_;
  config::ScheduleSource schedules_;
  store::Database db_;  // the test's own read-write connection
};

}  // namespace pingan::testing

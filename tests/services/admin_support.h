// Shared setup of the admin command tests: a small organisation (district-a with a1 and
// a2, district-b with b1) with a daily all-clear during the 2026 National Day holiday,
// an AdminService over a real StoreWriter and a FakeClock, with its control commands on
// a ControlServer.
#pragma once

#include <gtest/gtest.h>

#include <future>

#include "daemon/services/admin_commands.h"
#include "daemon/store/audit_log.h"
#include "tests/fakes/drain_writer.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/temp_dir.h"

namespace pingan::services::testing {

using namespace std::chrono_literals;

// 2026-10-01 00:00 in Asia/Shanghai.
inline const core::Instant kOct1 = date::sys_days{date::year{2026} / 9 / 30} + 16h;

inline core::Unit MakeUnit(const std::string& id, const std::string& name, core::UnitKind kind,
                           const std::string& parent) {
  core::Unit u;
  u.id = id;
  u.name = name;
  u.kind = kind;
  u.parent_id = parent;
  return u;
}

inline std::vector<core::Unit> SmallOrg() {
  std::vector<core::Unit> units = {
      MakeUnit("district-a", "甲区教育局", core::UnitKind::kDistrict, ""),
      MakeUnit("district-b", "乙区教育局", core::UnitKind::kDistrict, ""),
      MakeUnit("a1", "甲一小学", core::UnitKind::kSchool, "district-a"),
      MakeUnit("a2", "甲二小学", core::UnitKind::kSchool, "district-a"),
      MakeUnit("b1", "乙一小学", core::UnitKind::kSchool, "district-b")};
  units[3].paused = true;
  units[3].paused_reason = "renovation";
  return units;
}

inline core::Calendar HolidayCalendar() {
  core::Calendar cal;
  cal.name = "national-day";
  cal.time_zone = "Asia/Shanghai";
  core::Period holiday;
  holiday.name = "国庆节";
  holiday.kind = core::PeriodKind::kPublicHoliday;
  holiday.first = date::year{2026} / 10 / 1;
  holiday.last = date::year{2026} / 10 / 7;
  cal.periods.push_back(holiday);
  return cal;
}

inline core::Requirement DailyRequirement() {
  core::Requirement req;
  req.id = "daily";
  req.name = "节假日每日报平安";
  req.kind = core::RequirementKind::kDailyAllClear;
  req.during = {core::PeriodKind::kPublicHoliday};
  req.deadlines = {16h};
  req.grace = 30min;
  return req;
}

inline config::SharedSchedule MakeBundle(std::vector<core::Unit> units) {
  auto tree = core::OrgTree::Build(std::move(units));
  auto bundle =
      config::MakeScheduleBundle(std::get<core::OrgTree>(std::move(tree)), {HolidayCalendar()},
                                 {DailyRequirement()}, "Asia/Shanghai");
  return std::get<config::SharedSchedule>(std::move(bundle));
}

class AdminCommandsFixture : public ::testing::Test {
 protected:
  AdminCommandsFixture() : clock_(kOct1 + 10h), wall_(kOct1 + 2h), server_(io_, zmq_) {
    store::StoreWriterOptions options;
    options.database_path = dir_.File("pingan.db");
    writer_ = std::make_unique<store::StoreWriter>(options, [](auto) {});
    schedules_.Set(MakeBundle(SmallOrg()));
    admin_ = std::make_unique<services::AdminService>(services::AdminCommandContext{
        clock_, wall_, options.database_path, *writer_, schedules_, KeyDir(),
        dir_.File("schools.imported.csv"), [this] { ++reloads_; }});
    services::RegisterAdminCommands(server_, *admin_);
  }

  std::string KeyDir() const { return dir_.File("schools"); }

  nlohmann::json Call(const std::string& command, const nlohmann::json& args) {
    return server_.Dispatch(nlohmann::json{{"command", command}, {"args", args}}.dump());
  }
  nlohmann::json Ok(const std::string& command, const nlohmann::json& args) {
    const nlohmann::json answer = Call(command, args);
    EXPECT_TRUE(answer.value("ok", false)) << answer.dump();
    return answer.value("result", nlohmann::json());
  }
  std::string ErrorCode(const std::string& command, const nlohmann::json& args) {
    const nlohmann::json answer = Call(command, args);
    EXPECT_FALSE(answer.value("ok", true)) << answer.dump();
    return answer.value("error", nlohmann::json::object()).value("code", "");
  }
  // Audit entries (oldest first) once the writer ran everything posted so far.
  std::vector<store::AuditEntry> Audit() {
    pingan::testing::DrainWriter(*writer_);
    store::Database db(dir_.File("pingan.db"), store::OpenMode::kReadOnly);
    auto entries = store::RecentAudit(db, 100);
    std::reverse(entries.begin(), entries.end());
    return entries;
  }

  pingan::testing::TempDir dir_;
  pingan::testing::FakeClock clock_;
  pingan::testing::FakeClock wall_;
  boost::asio::io_context io_;
  zmq::context_t zmq_;
  services::ControlServer server_;
  std::unique_ptr<store::StoreWriter> writer_;
  config::ScheduleSource schedules_;
  std::unique_ptr<services::AdminService> admin_;  // after what it refers to
  int reloads_ = 0;
};

}  // namespace pingan::services::testing

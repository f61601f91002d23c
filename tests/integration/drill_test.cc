// Black-box test of missing-report detection: the real pingand on a drill clock, 200
// schools over a 7-day holiday, real agents; a scripted set of schools stays silent on
// given days and the missing list must equal exactly that set. A SIGKILL in the middle
// of a grace period must lose and duplicate nothing.
#include <gtest/gtest.h>

#include <set>

#include "daemon/core/local_time.h"
#include "tests/integration/daemon_process.h"
#include "tests/integration/school_fleet.h"

namespace pingan::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

constexpr int kSchools = 200;
constexpr int kDays = 7;
const core::Instant kOct1 = date::sys_days{date::year{2026} / 9 / 30} + 16h;  // 00:00 +08:00

core::Instant LocalTime(int day, std::chrono::minutes t) {
  return kOct1 + date::days{day - 1} + t;
}
std::string SchoolId(int i) {
  return "s" + std::to_string(1000 + i);
}
date::year_month_day Day(int day) {
  return date::year{2026} / 10 / static_cast<unsigned>(day);
}

// Which schools stay silent on which day (and are therefore missing).
bool Silent(int school, int day) {
  return (school * 7 + day * 13) % 29 == 0 || (day == 4 && school < 3);
}

void WriteConfig(const TempDir& dir) {
  std::ofstream org(dir.File("org.yaml"));
  org << "units:\n  - id: district\n    name: 测试区教育局\n    kind: district\n    children:\n";
  for (int i = 0; i < kSchools; ++i) {
    org << "      - {id: " << SchoolId(i) << ", name: 学校" << i << ", kind: school}\n";
  }
  std::ofstream(dir.File("calendars.yaml")) << R"(calendars:
  - name: holiday
    time_zone: Asia/Shanghai
    periods:
      - {name: 国庆节, kind: public_holiday, from: 2026-10-01, to: 2026-10-07}
requirements:
  - id: daily
    name: 每日报平安
    kind: daily_all_clear
    during: [public_holiday]
    deadlines: ["16:00"]
    grace: 30m
)";
}

class DrillTest : public ::testing::Test {
 protected:
  void SetUp() override {
    WriteConfig(dir_);
    daemon_ = std::make_unique<DaemonProcess>(dir_.File("data"));
    args_ = {"--org",       dir_.File("org.yaml"),
             "--calendars", dir_.File("calendars.yaml"),
             "--clock",     "drill",
             "--start",     "2026-10-01T08:00:00+08:00",
             "--speed",     "1"};
    daemon_->Start(args_);  // creates the daemon key and starts the sweep at 08:00
    daemon_->Kill(SIGTERM);
    for (int i = 0; i < kSchools; ++i)
      schools_.push_back({SchoolId(i), daemon_->Enroll(SchoolId(i))});
    endpoint_ = daemon_->Start(args_);
  }

  void AdvanceTo(core::Instant target) {
    ASSERT_TRUE(daemon_->AdvanceDrillTo(target)) << "the sweep did not reach the target time";
  }
  // All schools not silent on `day` report (covering `day`) and get their acks.
  void ReportDay(int day) {
    SchoolFleet fleet(schools_, endpoint_, daemon_->ServerPublicKey());
    for (int i = 0; i < kSchools; ++i) {
      if (!Silent(i, day)) fleet.QueueAllClear(static_cast<size_t>(i), Day(day));
    }
    fleet.StartDelivery(60s);
    fleet.Join();
    ASSERT_EQ(fleet.Pending(), 0);
  }
  std::set<std::pair<std::string, std::string>> MissingList() {
    std::set<std::pair<std::string, std::string>> out;
    for (const json& row : daemon_->Control("missing", {{"limit", 10000}})) {
      EXPECT_EQ(row["alert_state"], "open") << row.dump();
      const bool inserted =
          out.insert({row["school_id"].get<std::string>(), row["window_id"].get<std::string>()})
              .second;
      EXPECT_TRUE(inserted) << "listed twice: " << row.dump();
    }
    return out;
  }
  static std::set<std::pair<std::string, std::string>> Expected(int through_day) {
    std::set<std::pair<std::string, std::string>> out;
    for (int d = 1; d <= through_day; ++d) {
      for (int i = 0; i < kSchools; ++i) {
        if (Silent(i, d)) out.insert({SchoolId(i), core::FormatDate(Day(d))});
      }
    }
    return out;
  }

  TempDir dir_;
  std::unique_ptr<DaemonProcess> daemon_;
  std::vector<std::string> args_;
  std::vector<FleetSchool> schools_;
  std::string endpoint_;
};

TEST_F(DrillTest, MissingAlertsAreExactlyTheSilentSchoolsAcrossAHolidayAndARestart) {
  for (int day = 1; day <= kDays; ++day) {
    AdvanceTo(LocalTime(day, 9h));
    if (day != 4) {
      ReportDay(day);
    } else {
      // Day 4: the daemon is killed in the middle of the grace period, after some
      // schools reported before the deadline and before others report inside grace.
      SchoolFleet early(schools_, endpoint_, daemon_->ServerPublicKey());
      for (int i = 0; i < kSchools / 2; ++i) {
        if (!Silent(i, day)) early.QueueAllClear(static_cast<size_t>(i), Day(day));
      }
      early.StartDelivery(60s);
      early.Join();
      AdvanceTo(LocalTime(day, 16h + 10min));
      daemon_->Kill(SIGKILL);
      daemon_->Start(args_);  // resumes the drill clock from the last swept time
      SchoolFleet late(schools_, endpoint_, daemon_->ServerPublicKey());
      for (int i = kSchools / 2; i < kSchools; ++i) {
        if (!Silent(i, day)) late.QueueAllClear(static_cast<size_t>(i), Day(day));
      }
      late.StartDelivery(60s);
      late.Join();
      ASSERT_EQ(late.Pending(), 0);
    }
    AdvanceTo(LocalTime(day, 16h + 31min));
    EXPECT_EQ(MissingList(), Expected(day)) << "after day " << day;
  }
  const json ledger = daemon_->Control("ledger.today", {{"date", "2026-10-04"}});
  ASSERT_EQ(ledger["windows"].size(), 1u);
  int silent_on_4 = 0;
  for (int i = 0; i < kSchools; ++i) silent_on_4 += Silent(i, 4) ? 1 : 0;
  EXPECT_EQ(ledger["windows"][0]["missing"], silent_on_4);
  EXPECT_EQ(ledger["windows"][0]["on_time"], kSchools - silent_on_4)
      << "reports inside the grace period, across the restart, count as on time";
}

}  // namespace
}  // namespace pingan::testing

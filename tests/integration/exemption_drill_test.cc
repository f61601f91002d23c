// End to end: dated exemptions (免报) and late alerts in the real pingand on a drill
// clock, with an SMS gateway stood in for by a loopback HTTP server. Three districts of
// three schools owe a daily all-clear at 10:00 over the national-day holiday; a typhoon
// closes district d1 on Oct 1-2. The missing sets must be exactly the other districts'
// schools on those days and everybody on Oct 3, and no message may reach d1's schools
// while they are excused. A late report (the requirement raises late alerts) gives
// exactly one late alert, whose acknowledgement resolves it.
#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include "tests/fakes/temp_dir.h"
#include "tests/integration/daemon_process.h"
#include "tests/integration/school_fleet.h"
#include "tests/notify/test_peers.h"

namespace pingan::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using Pairs = std::set<std::pair<std::string, std::string>>;

const core::Instant kOct1 = date::sys_days{date::year{2026} / 9 / 30} + 16h;  // 00:00 +08:00

core::Instant LocalTime(int day, std::chrono::minutes t) {
  return kOct1 + date::days{day - 1} + t;
}
std::string School(int district, int n) {
  return "d" + std::to_string(district) + "s" + std::to_string(n);
}
std::string DistrictPhone(int district) {
  return "13900000" + std::to_string(district) + "00";
}
std::string Phone(int district, int n) {
  return "1380000" + std::to_string(district) + "00" + std::to_string(n);
}

class ExemptionDrillTest : public ::testing::Test {
 protected:
  void SetUp() override {
    WriteConfig();
    daemon_ = std::make_unique<DaemonProcess>(dir_.File("data"));
    for (int d = 1; d <= 3; ++d) {
      for (int n = 1; n <= 3; ++n)
        schools_.push_back({School(d, n), daemon_->Enroll(School(d, n))});
    }
    endpoint_ = daemon_->Start({"--config", dir_.File("pingand.yaml"), "--clock", "drill",
                                "--start", "2026-10-01T08:00:00+08:00", "--speed", "1"});
  }

  void WriteConfig() {
    std::ofstream org(dir_.File("org.yaml"));
    org << "units:\n  - id: city\n    name: 市教育局\n    kind: city\n    children:\n";
    for (int d = 1; d <= 3; ++d) {
      org << "      - id: d" << d << "\n        name: 第" << d << "区教育局\n"
          << "        kind: district\n        contacts:\n"
          << "          - {role: duty_contact, name: 区值班室" << d << ", phone: \""
          << DistrictPhone(d) << "\"}\n        children:\n";
      for (int n = 1; n <= 3; ++n) {
        org << "          - {id: " << School(d, n) << ", name: 学校" << d << n
            << ", kind: school, contacts: [{role: duty_contact, name: 总务处, phone: \""
            << Phone(d, n) << "\"}]}\n";
      }
    }
    std::ofstream(dir_.File("calendars.yaml")) << R"(calendars:
  - name: holiday
    time_zone: Asia/Shanghai
    periods:
      - {name: 国庆节, kind: public_holiday, from: 2026-10-01, to: 2026-10-07}
requirements:
  - id: daily
    name: 每日报平安
    kind: daily_all_clear
    during: [public_holiday]
    deadlines: ["10:00"]
    grace: 30m
    remind_before: 1h
    raise_late_alert: true
)";
    std::ofstream(dir_.File("escalation.yaml")) << R"(policies:
  - id: missing
    kinds: [missing]
    steps:
      - notify: [{contact: duty_contact}]
        channels: [sms]
  - id: late
    kinds: [late]
    steps:
      - notify: [{contact: duty_contact, unit: district}]
        channels: [sms]
leaders: {enabled: false}
channels:
  sms:
    url: ")" + sms_.Url("/sms") + R"("
    body_template: '{"to":"{phone}","text":"{text}","key":"{key}"}'
templates: {locale: zh-CN}
delivery: {poll: 100ms}
runner: {tick: 200ms}
)";
    std::ofstream(dir_.File("pingand.yaml"))
        << "org: {file: org.yaml}\ncalendars: {file: calendars.yaml}\n"
           "escalation: {file: escalation.yaml}\n";
  }

  void AdvanceTo(core::Instant target) {
    ASSERT_TRUE(daemon_->AdvanceDrillTo(target)) << "the sweep did not reach the target time";
  }
  Pairs MissingAlerts() {
    Pairs out;
    for (const json& a : daemon_->Control("alerts", {{"kind", "missing"}, {"limit", 1000}})) {
      out.insert({a["school_id"].get<std::string>(), a["window_id"].get<std::string>()});
    }
    return out;
  }
  // Phones the SMS gateway was asked to text, with how often.
  std::multiset<std::string> Texted() {
    std::multiset<std::string> out;
    for (const auto& r : sms_.requests()) {
      if (r.target == "/sms") out.insert(json::parse(r.body).value("to", ""));
    }
    return out;
  }
  bool WaitForTexts(size_t n) {
    for (int i = 0; i < 300 && Texted().size() < n; ++i) std::this_thread::sleep_for(50ms);
    return Texted().size() >= n;
  }

  TempDir dir_;
  TestHttpServer sms_;
  std::unique_ptr<DaemonProcess> daemon_;
  std::vector<FleetSchool> schools_;
  std::string endpoint_;
};

TEST_F(ExemptionDrillTest, ATyphoonExemptionExcusesOneDistrictAndALateReportRaisesOneLateAlert) {
  const json made = daemon_->Control("exemption.add", {{"from", "2026-10-01"},
                                                       {"to", "2026-10-02"},
                                                       {"scope", "d1"},
                                                       {"reason", "台风停课"},
                                                       {"who", "值班员"}});
  EXPECT_EQ(made["state"], "in_force");

  Pairs expected;
  for (int day = 1; day <= 3; ++day) {
    AdvanceTo(LocalTime(day, 10h + 31min));
    const std::string window = "2026-10-0" + std::to_string(day);
    for (int d = (day <= 2 ? 2 : 1); d <= 3; ++d) {
      for (int n = 1; n <= 3; ++n) expected.insert({School(d, n), window});
    }
    EXPECT_EQ(MissingAlerts(), expected) << "day " << day;
  }
  // Per day and owing school: a reminder and a missing alert, both to the school.
  ASSERT_TRUE(WaitForTexts(2 * (6 + 6 + 9)));
  const std::multiset<std::string> texted = Texted();
  for (int n = 1; n <= 3; ++n) {
    EXPECT_EQ(texted.count(Phone(1, n)), 2u) << "d1 hears only about Oct 3";
    EXPECT_EQ(texted.count(Phone(2, n)), 6u);
  }
  const json board = daemon_->Control("ledger.today", {{"date", "2026-10-02"}});
  ASSERT_EQ(board["windows"].size(), 1u);
  EXPECT_EQ(board["windows"][0]["excused"], 3);
  EXPECT_EQ(board["windows"][0]["missing"], 6);

  // d2s1 reports Oct 3 at 10:45, after grace end: late, one late alert to its district.
  AdvanceTo(LocalTime(3, 10h + 45min));
  SchoolFleet fleet({schools_[3]}, endpoint_, daemon_->ServerPublicKey());
  fleet.QueueAllClear(0, date::year{2026} / 10 / 3);
  fleet.StartDelivery(30s);
  fleet.Join();
  ASSERT_EQ(fleet.Pending(), 0);
  json late;
  for (int i = 0; i < 300 && late.empty(); ++i) {
    late = daemon_->Control("alerts", {{"kind", "late"}});
    if (late.empty()) std::this_thread::sleep_for(50ms);
  }
  ASSERT_EQ(late.size(), 1u);
  EXPECT_EQ(late[0]["school_id"], "d2s1");
  EXPECT_EQ(late[0]["window_id"], "2026-10-03");
  for (int i = 0; i < 300 && Texted().count(DistrictPhone(2)) == 0; ++i) {
    std::this_thread::sleep_for(50ms);
  }
  EXPECT_EQ(Texted().count(DistrictPhone(2)), 1u) << "the late policy tells d2's duty room once";
  const json missing = daemon_->Control("alerts", {{"kind", "missing"}, {"school", "d2s1"}});
  for (const json& a : missing) {
    if (a["window_id"] == "2026-10-03") {
      EXPECT_EQ(a["state"], "resolved");
    }
  }

  daemon_->Control("alert.ack", {{"id", late[0]["id"]}, {"who", "值班员"}});
  json shown;
  for (int i = 0; i < 300; ++i) {
    shown = daemon_->Control("alert.show", {{"id", late[0]["id"]}});
    if (shown["state"] == "resolved") break;
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_EQ(shown["state"], "resolved");
  EXPECT_EQ(daemon_->Control("alerts", {{"kind", "late"}}).size(), 1u) << "still exactly one";
}

}  // namespace
}  // namespace pingan::testing

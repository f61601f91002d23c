// End to end: dated exemptions (免报) and late alerts in the real pingand on a drill
// clock, with an SMS gateway stood in for by a loopback HTTP server. Three districts of
// three schools owe a daily all-clear at 10:00 over the national-day holiday; a typhoon
// closes district d1 on Oct 1-2. The missing sets must be exactly the other districts'
// schools on those days and everybody on Oct 3, and no message may reach d1's schools
// while they are excused. A late report (the requirement raises late alerts) gives
// exactly one late alert, whose acknowledgement resolves it.
#include "tests/integration/drill_org_fixture.h"

namespace pingan::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using Pairs = MissingPairs;

const core::Instant kOct1 = date::sys_days{date::year{2026} / 9 / 30} + 16h;  // 00:00 +08:00

core::Instant LocalTime(int day, std::chrono::minutes t) {
  return kOct1 + date::days{day - 1} + t;
}

constexpr auto kCalendars = R"(calendars:
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
constexpr auto kPolicies = R"(policies:
  - id: missing
    kinds: [missing]
    steps:
      - notify: [{contact: duty_contact}]
        fallback: [sms]
  - id: late
    kinds: [late]
    steps:
      - notify: [{contact: duty_contact, unit: district}]
        fallback: [sms]
)";

class ExemptionDrillTest : public DrillOrgTest {
 protected:
  void SetUp() override { StartDrill({3, 3, "2026-10-01T08:00:00+08:00", kCalendars, kPolicies}); }
  // Phones the SMS gateway was asked to text, with how often.
  std::multiset<std::string> Texted() {
    std::multiset<std::string> out;
    for (const auto& [phone, texts] : Texts()) {
      for (size_t i = 0; i < texts.size(); ++i) out.insert(phone);
    }
    return out;
  }
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
      for (int n = 1; n <= 3; ++n) expected.insert({DrillSchool(d, n), "daily/" + window});
    }
    EXPECT_EQ(MissingAlerts(), expected) << "day " << day;
  }
  // Per day and owing school: a reminder and a missing alert, both to the school.
  ASSERT_TRUE(WaitForTexts(2 * (6 + 6 + 9)));
  const std::multiset<std::string> texted = Texted();
  for (int n = 1; n <= 3; ++n) {
    EXPECT_EQ(texted.count(DrillSchoolPhone(1, n)), 2u) << "d1 hears only about Oct 3";
    EXPECT_EQ(texted.count(DrillSchoolPhone(2, n)), 6u);
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
  for (int i = 0; i < 300 && Texted().count(DrillDistrictPhone(2)) == 0; ++i) {
    std::this_thread::sleep_for(50ms);
  }
  EXPECT_EQ(Texted().count(DrillDistrictPhone(2)), 1u)
      << "the late policy tells d2's duty room once";
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

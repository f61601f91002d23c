// End to end (issue 14 item 2): escalation per requirement, all-at-once channels and
// reminder routes in the real pingand on a drill clock, with an SMTP sink, an SMS
// gateway and a webhook on loopback. Over the national-day holiday two schools owe a
// daily all-clear (10:00) and October's monthly summary (12:00). The daily missing
// alerts take the holiday chain (SMS to the schools' and the district's duty contacts);
// the monthly-summary missing alerts take their own policy (e-mail to the principals
// only), not the holiday chain; the summary's reminder goes to the principals and the
// district's duty room on SMS and e-mail at once; a severity I incident reaches the duty
// screen on SMS, e-mail and webhook at once. Each recipient's messages are checked.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <tuple>

#include "agents/sender.h"
#include "agents/spool.h"
#include "daemon/core/system_clock.h"
#include "tests/fakes/source_root.h"
#include "tests/fakes/temp_dir.h"
#include "tests/integration/daemon_process.h"
#include "tests/notify/test_peers.h"

namespace pingan::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using nlohmann::json;
// (recipient address, channel, what the message is about)
using Sent = std::multiset<std::tuple<std::string, std::string, std::string>>;

template <typename Pred>
bool WaitFor(Pred done, std::chrono::seconds budget = 30s) {
  const auto until = std::chrono::steady_clock::now() + budget;
  while (!done()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(50ms);
  }
  return true;
}

// What a message is: its requirement and kind, from its wording.
std::string Gist(const std::string& text) {
  const bool monthly = text.find("月度安全小结") != std::string::npos;
  const std::string req = monthly ? "monthly" : "daily";
  if (text.find("已解除") != std::string::npos) return req + " resolved";
  if (text.find("提醒") != std::string::npos) return req + " reminder";
  if (text.find("火灾") != std::string::npos || text.find("消防") != std::string::npos) {
    return "incident";
  }
  if (text.find("未") != std::string::npos) return req + " missing";
  return "other: " + text;
}

class PolicyRoutingDrill : public ::testing::Test {
 protected:
  void SetUp() override {
    smtp_port_ = FreeLoopbackPort();
    Write("org.yaml", R"(units:
  - id: d1
    name: 福田区教育局
    kind: district
    time_zone: Asia/Shanghai
    contacts:
      - {role: duty_contact, name: 区值班室, phone: "13900000000", email: duty@d1.example.cn}
    children:
      - id: s1
        name: 第1小学
        kind: school
        contacts:
          - {role: duty_contact, name: 总务处1, phone: "13800000001", email: duty@s1.example.cn}
          - {role: primary_accountable, name: 校长1, phone: "13700000001", email: head@s1.example.cn}
      - id: s2
        name: 第2小学
        kind: school
        contacts:
          - {role: duty_contact, name: 总务处2, phone: "13800000002", email: duty@s2.example.cn}
          - {role: primary_accountable, name: 校长2, phone: "13700000002", email: head@s2.example.cn}
)");
    Write("calendars.yaml", R"(calendars:
  - name: national-day
    time_zone: Asia/Shanghai
    periods:
      - {name: 国庆节, kind: public_holiday, from: 2026-10-01, to: 2026-10-07}
requirements:
  - id: daily
    name: 节假日每日报平安
    kind: daily_all_clear
    during: public_holiday
    deadlines: "10:00"
    grace: 30m
  - id: monthly
    name: 月度安全小结
    kind: monthly_summary
    due_day: 1
    due_time: "12:00"
    grace: 30m
    reminder:
      before: 1h
      to: [school_primary, district_duty]
      all_at_once: [sms, email]
)");
    Write("escalation.yaml", R"(policies:
  - id: holiday
    kinds: [missing]
    periods: [public_holiday]
    steps:
      - notify: [{contact: duty_contact}, {contact: duty_contact, unit: district}]
        fallback: [sms]
  - id: monthly
    requirements: [monthly]
    kinds: [missing]
    steps:
      - notify: [{contact: primary_accountable}]
        fallback: [email]
  - id: grave
    kinds: [incident]
    severities: [I]
    steps:
      - notify: [{person: {name: 值班大屏, phone: "13600000000", email: screen@d1.example.cn, webhook: screen}}]
        all_at_once: [sms, email, webhook]
leaders: {enabled: false}
channels:
  smtp:
    url: "smtp://127.0.0.1:)" + std::to_string(smtp_port_) +
                                 R"("
    starttls: none
    from_address: noreply@pingan.example.cn
    connect_timeout: 2s
    timeout: 5s
  sms:
    url: ")" + http_.Url("/sms") +
                                 R"("
    body_template: '{"to":"{phone}","text":"{text}","key":"{key}"}'
  webhooks:
    - {name: screen, url: ")" + http_.Url("/hook") +
                                 R"(", secret: s3cret}
templates: {locale: zh-CN}
delivery: {poll: 100ms}
runner: {tick: 200ms}
)");
    Write("pingand.yaml",
          "org: {file: org.yaml}\ncalendars: {file: calendars.yaml}\n"
          "escalation: {file: escalation.yaml}\n");
    fs::create_directories(dir_.File("mail"));
    const std::string script = (SourceRoot() / "tests" / "notify" / "smtp_sink.py").string();
    sink_ = std::make_unique<ChildProcess>(std::vector<std::string>{
        TestPython(), script, "--port", std::to_string(smtp_port_), "--out", dir_.File("mail")});
    ASSERT_TRUE(WaitForPort(smtp_port_)) << "aiosmtpd sink did not start";
    daemon_ = std::make_unique<DaemonProcess>(dir_.File("data"));
    s1_ = daemon_->Enroll("s1");
    endpoint_ = daemon_->Start({"--config", dir_.File("pingand.yaml"), "--clock", "drill",
                                "--start", "2026-10-01T08:00:00+08:00", "--speed", "1"});
  }

  void Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_.File(name)) << text;
  }
  void Advance(const std::string& by) { daemon_->Control("clock.advance", {{"by", by}}); }

  // Everything sent so far: SMS by phone, mail by address, webhooks by endpoint.
  Sent Messages() const {
    Sent out;
    for (const auto& r : http_.requests()) {
      if (r.target == "/sms") {
        const json body = json::parse(r.body, nullptr, false);
        out.insert({body.value("to", ""), "sms", Gist(body.value("text", ""))});
      } else if (r.target == "/hook") {
        out.insert({"screen", "webhook", Gist(json::parse(r.body).value("text", ""))});
      }
    }
    for (const auto& e : fs::directory_iterator(dir_.File("mail"))) {
      if (!e.path().filename().string().starts_with("msg-")) continue;
      std::ifstream in(e.path());
      const json mail = json::parse(in);
      // The envelope's recipient: the To header carries the display name too.
      out.insert({mail["rcpt_tos"].at(0).get<std::string>(), "email",
                  Gist(mail.value("subject", "") + "\n" + mail.value("body", ""))});
    }
    return out;
  }
  json Outbox() { return daemon_->Control("outbox", {{"limit", 100}}); }
  bool OutboxDrained() {
    const json counts = Outbox()["counts"];
    return counts["pending"] == 0 && counts["leased"] == 0;
  }
  bool WaitForCount(size_t n) {
    return WaitFor([&] { return Messages().size() >= n; });
  }
  std::string PolicyOf(const std::string& requirement) {
    for (const json& a : daemon_->Control("alerts", {{"kind", "missing"}, {"limit", 100}})) {
      if (a["requirement_id"] != requirement) continue;
      return a["policy"];
    }
    return "";
  }

  bool SendIncident() {
    core::SystemClock clock;
    core::Report r;
    const core::Instant now = std::chrono::time_point_cast<core::Millis>(clock.Now());
    r.report_id = agent::NewReportId(now);
    r.school_id = "s1";
    r.kind = core::ReportKind::kIncident;
    r.covers = date::year{2026} / 10 / 1;
    r.agent_time = now;
    r.incident = core::Incident{core::IncidentCategory::kFire,
                                core::Severity::kI,
                                date::sys_days{date::year{2026} / 10 / 1} + 4h,
                                "不得外传",
                                2,
                                0,
                                0};
    TempDir spool_dir;
    auto spool = std::get<std::unique_ptr<agent::Spool>>(
        agent::Spool::Open(spool_dir.File("s1.spool"), clock));
    if (!std::holds_alternative<agent::AddResult>(spool->Add(r))) return false;
    agent::SenderOptions options;
    options.endpoints = {endpoint_};
    options.server_public_key = daemon_->ServerPublicKey();
    options.client_keys = s1_;
    options.ack_timeout = 1500ms;
    options.reconnect_ivl = 100ms;
    agent::Sender sender(*spool, clock, options);
    sender.Flush(clock.Now() + 30s);
    return spool->Counts().acked == 1;
  }

  TempDir dir_;
  int smtp_port_ = 0;
  TestHttpServer http_;
  std::unique_ptr<ChildProcess> sink_;
  std::unique_ptr<DaemonProcess> daemon_;
  wire::CurveKeyPair s1_;
  std::string endpoint_;
};

TEST_F(PolicyRoutingDrill, EachRequirementFollowsItsPolicyAndAllAtOnceMeansEveryChannel) {
  // 10:31: the daily all-clear is missing at both schools: the holiday chain, by SMS, to
  // each school's duty contact and ONE grouped SMS to the district's duty room.
  Advance("2h31m");
  const Sent daily{{"13800000001", "sms", "daily missing"},
                   {"13800000002", "sms", "daily missing"},
                   {"13900000000", "sms", "daily missing"}};
  ASSERT_TRUE(WaitForCount(daily.size())) << Messages().size();
  EXPECT_EQ(PolicyOf("daily"), "holiday");

  // 11:01: the monthly summary's reminder, to the principals and the district's duty
  // room (once per school), on SMS and e-mail at once; the schools' duty contacts are
  // not on its route.
  Advance("30m");
  Sent expected = daily;
  for (const char* who : {"13700000001", "13700000002", "13900000000", "13900000000"}) {
    expected.insert({who, "sms", "monthly reminder"});
  }
  for (const char* who :
       {"head@s1.example.cn", "head@s2.example.cn", "duty@d1.example.cn", "duty@d1.example.cn"}) {
    expected.insert({who, "email", "monthly reminder"});
  }
  ASSERT_TRUE(WaitForCount(expected.size())) << Messages().size();
  EXPECT_EQ(Messages(), expected);

  // 12:31: the summary is missing at both schools, on a public holiday. Its own policy
  // takes it: an e-mail to each principal, nothing to the holiday chain's people.
  Advance("1h30m");
  expected.insert({"head@s1.example.cn", "email", "monthly missing"});
  expected.insert({"head@s2.example.cn", "email", "monthly missing"});
  ASSERT_TRUE(WaitForCount(expected.size())) << Messages().size();
  EXPECT_EQ(PolicyOf("monthly"), "monthly");

  // A severity I incident: SMS, e-mail and webhook to the duty screen at once. It
  // covers the day, so s1's daily alert resolves and those told hear so (by SMS).
  ASSERT_TRUE(SendIncident());
  expected.insert({"13800000001", "sms", "daily resolved"});
  expected.insert({"13900000000", "sms", "daily resolved"});
  expected.insert({"13600000000", "sms", "incident"});
  expected.insert({"screen@d1.example.cn", "email", "incident"});
  expected.insert({"screen", "webhook", "incident"});
  ASSERT_TRUE(WaitForCount(expected.size())) << Messages().size();
  // Nothing more may follow (a stray fallback): once the outbox holds nothing pending
  // or leased, no message is left to go out.
  ASSERT_TRUE(WaitFor([&] { return OutboxDrained(); })) << Outbox().dump();
  EXPECT_EQ(Outbox()["counts"]["failed"], 0) << Outbox().dump();
  EXPECT_EQ(Messages(), expected);
  for (const auto& r : http_.requests()) EXPECT_EQ(r.body.find("不得外传"), std::string::npos);

  // The calendar page's data: who is told about each requirement and who is reminded.
  const json cal = daemon_->Control("calendar.show");
  for (const json& r : cal["requirements"]) {
    if (r["id"] == "monthly") {
      EXPECT_EQ(r["escalation"][0]["policy"], "monthly");
      EXPECT_EQ(r["escalation"].size(), 1u) << "its own policy, whatever the periods";
      EXPECT_EQ(r["reminder"]["to"], (json{"school_primary", "district_duty"}));
      EXPECT_EQ(r["reminder"]["all_at_once"], true);
    } else if (r["id"] == "daily") {
      EXPECT_EQ(r["escalation"][0]["policy"], "holiday");
      EXPECT_EQ(r["escalation"][0]["periods"], (json{"public_holiday"}));
      EXPECT_TRUE(r["reminder"].is_null()) << "no reminder configured";
    }
  }
}

}  // namespace
}  // namespace pingan::testing

// End to end: the real pingand on a drill clock, with an org, a holiday calendar and an
// escalation config that point at real peers on loopback: an SMTP sink (aiosmtpd, the
// notify tests' smtp_sink.py) and an HTTP server standing in for the SMS gateway and a
// webhook. Time moves only by `clock.advance`; the waits below are for the peers.
#include <gtest/gtest.h>

#include <SQLiteCpp/Database.h>
#include <filesystem>
#include <fstream>
#include <map>

#include "agents/sender.h"
#include "agents/spool.h"
#include "daemon/core/system_clock.h"
#include "tests/fakes/source_root.h"
#include "tests/fakes/temp_dir.h"
#include "tests/integration/daemon_process.h"
#include "tests/notify/test_peers.h"
#include "tests/notify/webhook_schema.h"

namespace pingan::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using nlohmann::json;

const char* kDrillStart = "2026-10-01T08:00:00+08:00";

template <typename Pred>
bool WaitFor(Pred done, std::chrono::seconds budget = 30s) {
  const auto until = std::chrono::steady_clock::now() + budget;
  while (!done()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(50ms);
  }
  return true;
}

std::string Two(int i) {
  return (i < 10 ? "0" : "") + std::to_string(i);
}

// The org, calendar, escalation and daemon config files, and the peers they name.
class Scenario {
 public:
  struct Options {
    int schools = 37;
    bool school_phones = false;               // reminders then go by SMS
    std::string school_channels = "[email]";  // step 1 of the missing policy
  };

  explicit Scenario(Options options) : options_(options), daemon_(dir_.File("data")) {
    smtp_port_ = FreeLoopbackPort();
    Write("org.yaml", OrgYaml());
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
    remind_before: 1h
)");
    Write("escalation.yaml", EscalationYaml());
    Write("pingand.yaml",
          "org: {file: org.yaml}\ncalendars: {file: calendars.yaml}\n"
          "escalation: {file: escalation.yaml}\n");
  }

  DaemonProcess& daemon() { return daemon_; }
  TestHttpServer& http() { return http_; }
  std::string StartDaemon() {
    return daemon_.Start({"--config", dir_.File("pingand.yaml"), "--clock", "drill", "--start",
                          kDrillStart, "--speed", "1"});
  }
  void Advance(const std::string& by) { daemon_.Control("clock.advance", {{"by", by}}); }

  void StartSink() {
    fs::create_directories(dir_.File("mail"));
    const std::string script = (SourceRoot() / "tests" / "notify" / "smtp_sink.py").string();
    sink_ = std::make_unique<ChildProcess>(std::vector<std::string>{
        TestPython(), script, "--port", std::to_string(smtp_port_), "--out", dir_.File("mail")});
    ASSERT_TRUE(WaitForPort(smtp_port_)) << "aiosmtpd sink did not start";
  }
  void StopSink() { sink_.reset(); }

  // Every mail the sink accepted (a redelivered message appears twice).
  std::vector<json> Mails() const {
    std::vector<json> out;
    if (!fs::exists(dir_.File("mail"))) return out;
    for (const auto& e : fs::directory_iterator(dir_.File("mail"))) {
      if (!e.path().filename().string().starts_with("msg-")) continue;
      std::ifstream in(e.path());
      out.push_back(json::parse(in));
    }
    return out;
  }
  // SMS gateway requests, their JSON bodies.
  std::vector<json> Sms() const {
    std::vector<json> out;
    for (const auto& r : http_.requests()) {
      if (r.target == "/sms") out.push_back(json::parse(r.body, nullptr, false));
    }
    return out;
  }
  std::vector<RecordedRequest> Hooks() const {
    std::vector<RecordedRequest> out;
    for (const auto& r : http_.requests()) {
      if (r.target == "/hook") out.push_back(r);
    }
    return out;
  }

  json Outbox() { return daemon_.Control("outbox", {{"limit", 10000}}); }
  // No row leased, none pending and due: the worker has done all it can for now.
  bool Quiet() {
    const std::string now = daemon_.Control("clock.now")["now"];
    const json outbox = Outbox();
    if (outbox["counts"]["leased"] != 0) return false;
    for (const json& r : outbox["rows"]) {
      if (r["state"] == "pending" && r["next_attempt"].get<std::string>() <= now) return false;
    }
    return true;
  }
  bool AllDelivered() {
    const json c = Outbox()["counts"];
    return c["pending"] == 0 && c["leased"] == 0 && c["failed"] == 0;
  }
  json AlertOf(const std::string& school) {
    const json alerts = daemon_.Control("alerts", {{"school", school}, {"kind", "missing"}});
    return alerts.empty() ? json() : daemon_.Control("alert.show", {{"id", alerts[0]["id"]}});
  }

  // Sends `reports` as `school` over CURVE and waits for their acks.
  bool Send(const std::string& endpoint, const std::string& school, const wire::CurveKeyPair& keys,
            const std::vector<core::Report>& reports) {
    TempDir spool_dir;
    core::SystemClock clock;
    auto spool = std::get<std::unique_ptr<agent::Spool>>(
        agent::Spool::Open(spool_dir.File(school + ".spool"), clock));
    for (const core::Report& r : reports) {
      if (!std::holds_alternative<agent::AddResult>(spool->Add(r))) return false;
    }
    agent::SenderOptions options;
    options.endpoints = {endpoint};
    options.server_public_key = daemon_.ServerPublicKey();
    options.client_keys = keys;
    options.ack_timeout = 1500ms;
    options.reconnect_ivl = 100ms;
    agent::Sender sender(*spool, clock, options);
    sender.Flush(clock.Now() + 30s);
    return spool->Counts().pending == 0 && spool->Counts().acked == int64_t(reports.size());
  }

 private:
  void Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_.File(name)) << text;
  }

  std::string OrgYaml() const {
    std::string y = R"(units:
  - id: d1
    name: 福田区教育局
    kind: district
    time_zone: Asia/Shanghai
    contacts:
      - {role: duty_contact, name: 区值班室, phone: "13900000000", email: duty@d1.example.cn}
    children:
)";
    for (int i = 1; i <= options_.schools; ++i) {
      y += "      - id: s" + Two(i) + "\n        name: 第" + std::to_string(i) +
           "小学\n        kind: school\n        contacts:\n          - {role: duty_contact, "
           "name: 总务处" +
           std::to_string(i) + ", email: s" + Two(i) + "@school.example.cn" +
           (options_.school_phones ? ", phone: \"138000000" + Two(i) + "\"" : std::string()) +
           "}\n";
    }
    return y;
  }

  std::string EscalationYaml() const {
    return R"(policies:
  - id: incident
    kinds: [incident]
    steps:
      - notify: [{person: {name: 值班大屏, webhook: screen}}]
        channels: [webhook]
  - id: missing
    kinds: [missing, late]
    ack_timeout: 1h
    steps:
      - wait: 0
        notify: [{contact: duty_contact}]
        channels: )" +
           options_.school_channels + R"(
      - wait: 1h
        notify: [{contact: duty_contact, unit: district}]
        channels: [sms, email]
leaders: {enabled: false}
channels:
  smtp:
    url: "smtp://127.0.0.1:)" +
           std::to_string(smtp_port_) + R"("
    starttls: none
    from_address: noreply@pingan.example.cn
    connect_timeout: 2s
    timeout: 5s
  sms:
    url: ")" +
           http_.Url("/sms") +
           R"("
    body_template: '{"to":"{phone}","text":"{text}","key":"{key}"}'
    connect_timeout: 2s
    timeout: 8s  # longer than the test server's 5 s hang: no retry storms
  webhooks:
    - {name: screen, url: ")" +
           http_.Url("/hook") + R"(", secret: s3cret}
templates: {locale: zh-CN, console_base_url: "https://pingan.example.cn"}
delivery: {poll: 100ms}
runner: {tick: 200ms}
)";
  }

  Options options_;
  TempDir dir_;
  int smtp_port_ = 0;
  TestHttpServer http_;
  std::unique_ptr<ChildProcess> sink_;
  DaemonProcess daemon_;
};

core::Report AllClear(const std::string& school) {
  core::Report r;
  const core::Instant now =
      std::chrono::time_point_cast<core::Millis>(std::chrono::system_clock::now());
  r.report_id = agent::NewReportId(now);
  r.school_id = school;
  r.kind = core::ReportKind::kAllClear;
  r.covers = date::year{2026} / 10 / 1;
  r.agent_time = now;
  return r;
}

size_t CountIf(const std::vector<json>& items, const std::function<bool(const json&)>& pred) {
  return static_cast<size_t>(std::count_if(items.begin(), items.end(), pred));
}

bool Contains(const json& j, const char* key, const std::string& needle) {
  return j.is_object() && j.value(key, "").find(needle) != std::string::npos;
}

std::vector<std::string> TimelineCodes(const json& alert) {
  std::vector<std::string> out;
  for (const json& e : alert["timeline"]) out.push_back(e["what"]);
  return out;
}

TEST(Escalation, MissedDeadlineClimbsGroupedAcksLapseAndLateReportsResolve) {
  Scenario s({});
  s.StartSink();
  const wire::CurveKeyPair s02 = s.daemon().Enroll("s02");
  const wire::CurveKeyPair s05 = s.daemon().Enroll("s05");
  const std::string endpoint = s.StartDaemon();

  // 09:00 reminders to every school that has not reported, rendered from the sweep's rows.
  s.Advance("1h30m");
  ASSERT_TRUE(WaitFor([&] { return s.Mails().size() == 37; })) << s.Mails().size();
  EXPECT_EQ(CountIf(s.Mails(), [](const json& m) { return Contains(m, "subject", "第5小学"); }),
            1u);

  // 10:30 grace end: 37 missing alerts, each school's duty contact told by e-mail.
  s.Advance("1h05m");
  ASSERT_TRUE(WaitFor([&] { return s.Mails().size() == 74; })) << s.Mails().size();
  EXPECT_EQ(s.daemon().Control("alerts", {{"kind", "missing"}}).size(), 37u);

  // An hour later the district's duty officer gets ONE SMS for all 37 schools.
  s.Advance("1h01m");
  ASSERT_TRUE(WaitFor([&] { return s.Sms().size() == 1; }));
  const std::string grouped = s.Sms()[0].value("text", "");
  EXPECT_NE(grouped.find("37 所学校"), std::string::npos) << grouped;
  EXPECT_NE(grouped.find("第1小学"), std::string::npos) << grouped;
  EXPECT_EQ(s.Sms()[0]["to"], "13900000000");
  for (int i = 1; i <= 37; ++i) {
    EXPECT_EQ(s.AlertOf("s" + Two(i))["notified"].size(), 2u) << "each school keeps its alert";
  }

  // s01 is acknowledged; the acknowledgement lapses after an hour and escalation goes on.
  const json s01 = s.AlertOf("s01");
  EXPECT_EQ(s.daemon().Control("alert.ack", {{"id", s01["id"]},
                                             {"who", "王五"},
                                             {"comment", "calling the school"}})["accepted"],
            true);
  ASSERT_TRUE(WaitFor([&] { return s.AlertOf("s01")["state"] == "acknowledged"; }));

  // s02 reports late: its alert resolves and both people told hear of it.
  ASSERT_TRUE(s.Send(endpoint, "s02", s02, {AllClear("s02")}));
  ASSERT_TRUE(WaitFor([&] {
    return CountIf(s.Mails(),
                   [](const json& m) {
                     return Contains(m, "to", "s02@") && Contains(m, "subject", "已解除");
                   }) == 1 &&
           CountIf(s.Sms(), [](const json& m) { return Contains(m, "text", "已解除"); }) == 1;
  }));
  const json s02_alert = s.AlertOf("s02");
  EXPECT_EQ(s02_alert["state"], "resolved");
  EXPECT_EQ(s02_alert["resolve_reason"], "late_report_received");
  EXPECT_EQ(TimelineCodes(s02_alert).back(), "notified");

  s.Advance("1h01m");
  ASSERT_TRUE(WaitFor([&] {
    return CountIf(s.Sms(), [](const json& m) { return Contains(m, "text", "确认超时"); }) == 1;
  }));
  const json reopened = s.AlertOf("s01");
  EXPECT_EQ(reopened["state"], "open");
  const auto codes = TimelineCodes(reopened);
  EXPECT_NE(std::find(codes.begin(), codes.end(), "acknowledged"), codes.end());
  EXPECT_NE(std::find(codes.begin(), codes.end(), "ack_timeout"), codes.end());

  // An incident goes to the duty screen's webhook, without its protected summary.
  core::Report incident = AllClear("s05");
  incident.kind = core::ReportKind::kIncident;
  incident.incident = core::Incident{core::IncidentCategory::kFire,
                                     core::Severity::kIV,
                                     date::sys_days{date::year{2026} / 10 / 1} + 2h,
                                     "绝密摘要-不得外传",
                                     3,
                                     0,
                                     1};
  ASSERT_TRUE(s.Send(endpoint, "s05", s05, {incident}));
  ASSERT_TRUE(WaitFor([&] { return s.Hooks().size() == 1; }));
  const RecordedRequest hook = s.Hooks()[0];
  EXPECT_FALSE(hook.Header("X-Pingan-Signature").empty());
  const json body = json::parse(hook.body);
  EXPECT_EQ(body["alert_kind"], "incident");
  EXPECT_EQ(body["incident"],
            (json{{"category", "fire"}, {"injured", 3}, {"dead", 0}, {"missing", 1}}));
  EXPECT_NE(
      body["text"].get<std::string>().find("消防安全 (IV 级, 一般), 伤 3 人, 亡 0 人, 失踪 1 人"),
      std::string::npos)
      << body["text"];
  EXPECT_EQ(SchemaProblems(WebhookSchema(), body), std::vector<std::string>{});
  for (const auto& r : s.http().requests()) {
    EXPECT_EQ(r.body.find("绝密"), std::string::npos) << r.target;
  }
  for (const json& m : s.Mails()) EXPECT_EQ(m.dump().find("绝密"), std::string::npos);
  EXPECT_TRUE(WaitFor([&] { return s.AllDelivered(); }));
}

TEST(Escalation, AnHourWithoutTheMailServerLosesNoNotification) {
  Scenario s({});
  s.StartDaemon();     // the SMTP sink is down
  s.Advance("2h35m");  // 09:00 reminders and 10:30 missing alerts: 74 e-mails
  ASSERT_TRUE(WaitFor([&] { return s.Outbox()["rows"].size() == 74 && s.Quiet(); }));
  for (int minutes = 5; minutes <= 60; minutes += 5) {
    s.Advance("5m");
    ASSERT_TRUE(WaitFor([&] { return s.Quiet(); })) << minutes;
  }
  const json during = s.Outbox();
  EXPECT_EQ(during["counts"]["failed"], 0) << "still retrying after an hour";
  int min_attempts = 1000;
  for (const json& r : during["rows"]) {
    if (r["channel"] == "email") min_attempts = std::min(min_attempts, r["attempts"].get<int>());
  }
  EXPECT_GE(min_attempts, 5) << "backed off and retried";

  s.StartSink();
  s.Advance("40m");  // beyond the longest backoff (30 min + jitter)
  ASSERT_TRUE(WaitFor([&] { return s.AllDelivered(); })) << s.Outbox()["counts"].dump();
  std::map<std::string, int> copies;  // Message-ID (from the idempotency key) -> copies
  for (const json& m : s.Mails()) ++copies[m["message_id"]];
  EXPECT_EQ(copies.size(), 74u) << "every e-mail arrived";
  int duplicates = 0;
  for (const auto& [id, n] : copies) {
    EXPECT_LE(n, 2) << id;
    duplicates += n - 1;
  }
  RecordProperty("duplicate_mails", duplicates);
  RecordProperty("min_attempts_during_outage", min_attempts);
}

TEST(Escalation, SigkillMidSendLeavesNoRowUnsentOrLeased) {
  Scenario s({5, /*school_phones=*/true, "[sms]"});
  ScriptedResponse hang;
  hang.hang = true;
  s.http().Respond(hang);  // the first SMS hangs until the daemon is killed
  s.StartDaemon();
  s.Advance("2h35m");  // 5 reminders and 5 alerts, all by SMS
  ASSERT_TRUE(WaitFor([&] { return !s.Sms().empty(); }));
  s.daemon().Kill(SIGKILL);
  {
    SQLite::Database db(s.daemon().data_dir() + "/pingan.db", SQLite::OPEN_READONLY);
    EXPECT_GE(db.execAndGet("SELECT count(*) FROM outbox WHERE state = 'leased'").getInt(), 1)
        << "killed in the middle of sending";
    EXPECT_GE(db.execAndGet("SELECT count(*) FROM outbox").getInt(), 5) << "reminders";
  }
  s.StartDaemon();
  // Leases last 2 minutes of drill time; a timed-out send backs off 30 s.
  for (int i = 0; i < 10 && !s.AllDelivered(); ++i) {
    s.Advance("3m");
    WaitFor([&] { return s.Quiet(); });
  }
  ASSERT_TRUE(s.AllDelivered()) << s.Outbox()["counts"].dump();
  EXPECT_EQ(s.Outbox()["counts"]["delivered"], 10) << "5 reminders, 5 alerts";
  std::map<std::string, int> copies;  // idempotency key -> requests
  for (const json& sms : s.Sms()) ++copies[sms.value("key", "")];
  RecordProperty("sms_requests", static_cast<int>(s.Sms().size()));
  const json outbox = s.Outbox();  // a range-for over a temporary's member would dangle
  for (const json& row : outbox["rows"]) {
    const std::string key = row["idempotency_key"].get<std::string>() + "/sms";
    EXPECT_GE(copies[key], 1) << key;
    EXPECT_LE(copies[key], 2) << key;
    EXPECT_TRUE(row["lease_until"].is_null()) << "no lease left behind";
  }
}

}  // namespace
}  // namespace pingan::testing

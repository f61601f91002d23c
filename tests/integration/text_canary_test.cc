// The canary (issue 11, item 5): an incident whose summary and follow-up note carry a
// unique marker goes end to end through a real pingand with escalation to an SMS
// gateway and a webhook. The marker must be nowhere but where an allowed role reads it:
// not in any file of the data directory (database, WAL, keys), not in the daemon's log
// (at debug level), not in a message sent or queued, not in the metrics; a duty officer
// reads it in the console's API, an auditor does not.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <zmq.hpp>

#include "tests/fakes/temp_dir.h"
#include "tests/integration/daemon_process.h"
#include "tests/integration/http_client.h"
#include "tests/integration/raw_agent.h"
#include "tests/notify/test_peers.h"

namespace pingan::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
namespace fs = std::filesystem;
namespace http = boost::beast::http;

std::string FileBytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

// Every file under `dir` that contains `marker`.
std::vector<std::string> FilesHolding(const std::string& dir, const std::string& marker) {
  std::vector<std::string> found;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file() && FileBytes(entry.path()).find(marker) != std::string::npos) {
      found.push_back(entry.path().string());
    }
  }
  return found;
}

template <typename Pred>
bool WaitFor(Pred done) {
  const auto until = std::chrono::steady_clock::now() + 30s;
  while (!done()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(20ms);
  }
  return true;
}

class TextCanary : public ::testing::Test {
 protected:
  TextCanary() : daemon_(dir_.File("data")), port_(FreeLoopbackPort()) {
    std::ofstream(dir_.File("org.yaml")) << R"(units:
  - id: d1
    name: 福田区教育局
    kind: district
    time_zone: Asia/Shanghai
    children:
      - id: s1
        name: 第一小学
        kind: school
        contacts:
          - {role: duty_contact, name: 总务处, phone: "13800000001"}
)";
    std::ofstream(dir_.File("escalation.yaml")) << R"(policies:
  - id: incident
    kinds: [incident]
    steps:
      - notify: [{person: {name: 值班大屏, webhook: screen}}]
        channels: [webhook]
      - wait: 0
        notify: [{contact: duty_contact}]
        channels: [sms]
leaders: {enabled: false}
channels:
  sms:
    url: ")" + http_.Url("/sms") + R"("
    body_template: '{"to":"{phone}","text":"{text}"}'
  webhooks:
    - {name: screen, url: ")" + http_.Url("/hook") + R"(", secret: s3cret}
templates: {locale: zh-CN, console_base_url: "https://pingan.example.cn"}
delivery: {poll: 100ms}
runner: {tick: 200ms}
)";
    std::ofstream(dir_.File("pingand.yaml"))
        << "org: {file: org.yaml}\nescalation: {file: escalation.yaml}\n";
    daemon_.set_http_listen("127.0.0.1:" + std::to_string(port_));
    daemon_.set_log_file(dir_.File("pingand.log"));
    daemon_.set_log_level("debug");
  }

  std::string Start() { return daemon_.Start({"--config", dir_.File("pingand.yaml")}); }
  std::string TokenFor(const std::string& role) {
    return daemon_.Control("tokens.create", {{"label", role}, {"role", role}})["token"];
  }
  HttpAnswer Get(const std::string& target, const std::string& token = "") {
    std::map<std::string, std::string> headers;
    if (!token.empty()) headers["Authorization"] = "Bearer " + token;
    return HttpCall(port_, http::verb::get, target, "", headers);
  }

  TempDir dir_;
  TestHttpServer http_;
  DaemonProcess daemon_;
  int port_;
};

TEST_F(TextCanary, TheMarkerIsReadByAnAllowedRoleAndFoundNowhereElse) {
  const std::string marker = "CANARY-" + std::to_string(::getpid()) + "-金丝雀";
  const std::string summary = "实验室起火 " + marker;
  const std::string note = "已回访 " + marker + "-note";

  Start();  // creates the daemon key
  daemon_.Kill(SIGTERM);
  const wire::CurveKeyPair keys = daemon_.Enroll("s1");
  const std::string endpoint = Start();
  zmq::context_t context;
  RawAgent agent(context, endpoint, daemon_.ServerPublicKey(), keys);
  core::Report incident = AllClear("s1");
  incident.kind = core::ReportKind::kIncident;
  incident.incident = core::Incident{core::IncidentCategory::kFire,
                                     core::Severity::kII,
                                     incident.agent_time,
                                     summary,
                                     2,
                                     1,
                                     0,
                                     true};
  agent.Send(incident);
  const auto ack = agent.NextAck();
  ASSERT_TRUE(ack.has_value());
  ASSERT_EQ(ack->status, wire::AckStatus::kStored);
  daemon_.Control("incident.note", {{"id", incident.report_id}, {"who", "duty"}, {"text", note}});

  // Both steps went out: the webhook and the school's SMS.
  auto sent_to = [&](const std::string& target) {
    for (const auto& r : http_.requests()) {
      if (r.target == target) return true;
    }
    return false;
  };
  ASSERT_TRUE(WaitFor([&] { return sent_to("/hook") && sent_to("/sms"); }));

  // The allowed role reads both texts; its read is audited.
  const std::string duty = TokenFor("duty_officer");
  ASSERT_TRUE(WaitFor([&] {
    const HttpAnswer a = Get("/api/v1/incidents/" + incident.report_id, duty);
    return a.status == 200 && a.body.find(note) != std::string::npos;
  }));
  const HttpAnswer shown = Get("/api/v1/incidents/" + incident.report_id, duty);
  EXPECT_EQ(json::parse(shown.body)["summary"], summary);
  // An auditor sees the facts, never the text.
  const HttpAnswer audited = Get("/api/v1/incidents/" + incident.report_id, TokenFor("auditor"));
  ASSERT_EQ(audited.status, 200) << audited.body;
  EXPECT_EQ(audited.body.find(marker), std::string::npos) << audited.body;
  EXPECT_NE(audited.body.find("fire"), std::string::npos) << audited.body;

  // Nowhere else: messages sent, messages queued, metrics.
  for (const auto& r : http_.requests()) {
    EXPECT_EQ(r.body.find(marker), std::string::npos) << r.target << ": " << r.body;
  }
  EXPECT_EQ(daemon_.Control("outbox", {{"limit", 1000}}).dump().find(marker), std::string::npos);
  const HttpAnswer metrics = Get("/metrics");
  ASSERT_EQ(metrics.status, 200);
  EXPECT_EQ(metrics.body.find(marker), std::string::npos);

  // While running (the WAL holds the newest pages), and stopped, so that everything the daemon
  // holds is in its files: the data directory (database, WAL, keys) and the debug log hold no trace
  // of it.
  EXPECT_EQ(FilesHolding(dir_.File("data"), marker), std::vector<std::string>{});
  EXPECT_EQ(daemon_.Kill(SIGTERM), 0);
  EXPECT_EQ(FilesHolding(dir_.File("data"), marker), std::vector<std::string>{});
  const std::string log = FileBytes(dir_.File("pingand.log"));
  EXPECT_NE(log.find("pingand listening"), std::string::npos) << "the log is the daemon's";
  EXPECT_EQ(log.find(marker), std::string::npos);
}

}  // namespace
}  // namespace pingan::testing

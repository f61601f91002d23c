// pingand as a service, seen from outside: what it tells systemd (READY, WATCHDOG,
// RELOADING, STOPPING over a NOTIFY_SOCKET the test provides), /healthz and /readyz,
// and /metrics parsed by Prometheus' own text-format parser (python3-prometheus-client)
// after a scripted round of reports, its counters compared with what was sent.
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "tests/fakes/sanitizer_reports.h"
#include "tests/fakes/temp_dir.h"
#include "tests/integration/daemon_process.h"
#include "tests/integration/http_client.h"
#include "tests/integration/raw_agent.h"
#include "tests/integration/school_fleet.h"
#include "tests/notify/test_peers.h"

namespace pingan::testing {
namespace {

using namespace std::chrono_literals;
namespace http = boost::beast::http;

// The service manager's end of sd_notify: a datagram socket the daemon writes to.
class NotifySocket {
 public:
  explicit NotifySocket(std::string path) : path_(std::move(path)) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    path_.copy(addr.sun_path, sizeof(addr.sun_path) - 1);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      throw std::runtime_error("cannot bind " + path_);
    }
  }
  ~NotifySocket() { ::close(fd_); }
  const std::string& path() const { return path_; }

  // Reads messages until one contains `needle`; false when `budget` passes first.
  bool WaitFor(const std::string& needle, std::chrono::milliseconds budget) {
    const auto until = std::chrono::steady_clock::now() + budget;
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          until - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
      char buffer[4096];
      const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
      if (n <= 0) continue;
      const std::string message(buffer, static_cast<size_t>(n));
      seen_.push_back(message);
      if (message.find(needle) != std::string::npos) return true;
    }
  }
  const std::vector<std::string>& seen() const { return seen_; }

 private:
  std::string path_;
  int fd_ = -1;
  std::vector<std::string> seen_;
};

TEST(Service, TellsTheServiceManagerReadyWatchdogReloadAndStopping) {
  TempDir dir;
  DaemonProcess daemon(dir.File("data"));
  NotifySocket notify(dir.File("notify.sock"));
  daemon.set_env("NOTIFY_SOCKET", notify.path());
  daemon.set_env("WATCHDOG_USEC", "1000000");  // pings expected every 0.5 s
  daemon.Start();
  EXPECT_TRUE(notify.WaitFor("READY=1", 10s));
  EXPECT_TRUE(notify.WaitFor("WATCHDOG=1", 10s));
  EXPECT_TRUE(notify.WaitFor("WATCHDOG=1", 10s)) << "the pings go on";
  daemon.Signal(SIGHUP);
  EXPECT_TRUE(notify.WaitFor("RELOADING=1", 10s));
  EXPECT_TRUE(notify.WaitFor("READY=1", 10s)) << "ready again after the reload";
  daemon.Signal(SIGTERM);
  EXPECT_TRUE(notify.WaitFor("STOPPING=1", 10s));
  const int status = daemon.Wait();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
}

std::string OrgYaml(const std::vector<std::string>& schools) {
  std::string yaml =
      "units:\n  - id: district\n    name: 测试区教育局\n    kind: district\n"
      "    children:\n";
  for (const std::string& id : schools) {
    yaml += "      - {id: " + id + ", name: 学校" + id + ", kind: school}\n";
  }
  return yaml;
}

std::set<std::string> SchoolIds(DaemonProcess& daemon) {
  std::set<std::string> ids;
  for (const auto& school : daemon.Control("schools")) ids.insert(school["id"].get<std::string>());
  return ids;
}

TEST(Service, SighupReloadsTheOrganisationAndKeepsTheOldOneWhenTheNewFileIsBad) {
  TempDir dir;
  const std::string org = dir.File("org.yaml");
  std::ofstream(org) << OrgYaml({"s1"});
  DaemonProcess daemon(dir.File("data"));
  NotifySocket notify(dir.File("notify.sock"));
  daemon.set_env("NOTIFY_SOCKET", notify.path());
  daemon.Start({"--org", org});
  ASSERT_TRUE(notify.WaitFor("READY=1", 10s));
  EXPECT_EQ(SchoolIds(daemon), (std::set<std::string>{"s1"}));

  std::ofstream(org) << OrgYaml({"s1", "s2"});
  daemon.Signal(SIGHUP);
  ASSERT_TRUE(notify.WaitFor("RELOADING=1", 10s));
  ASSERT_TRUE(notify.WaitFor("READY=1", 10s));
  EXPECT_NE(notify.seen().back().find("organisation and calendars reloaded"), std::string::npos)
      << notify.seen().back();
  EXPECT_EQ(SchoolIds(daemon), (std::set<std::string>{"s1", "s2"}));

  std::ofstream(org) << "units: [ {id: broken\n";
  daemon.Signal(SIGHUP);
  ASSERT_TRUE(notify.WaitFor("RELOADING=1", 10s));
  ASSERT_TRUE(notify.WaitFor("READY=1", 10s));
  EXPECT_NE(notify.seen().back().find("organisation and calendars kept"), std::string::npos)
      << notify.seen().back();
  EXPECT_NE(notify.seen().back().find("org.yaml"), std::string::npos) << "names the file";
  EXPECT_EQ(SchoolIds(daemon), (std::set<std::string>{"s1", "s2"})) << "the previous stays";
  EXPECT_EQ(daemon.Kill(SIGTERM), 0);
}

// A minimal escalation file, with the roster file when `roster` is set.
std::string EscalationYaml(bool roster) {
  return std::string(
             "policies:\n  - id: missing\n    kinds: [missing]\n    steps:\n"
             "      - notify: [{contact: duty_contact}]\n        channels: [webhook]\n"
             "leaders: {enabled: false}\n"
             "channels:\n  webhooks:\n    - {name: screen, url: \"http://127.0.0.1:9/h\"}\n") +
         (roster ? "roster: roster.csv\n" : "");
}

TEST(Service, SighupReloadsRostersAndPoliciesAndKeepsThemWhenTheFileIsBad) {
  TempDir dir;
  std::ofstream(dir.File("org.yaml")) << OrgYaml({"s1"});
  std::ofstream(dir.File("roster.csv"))
      << "district,2026-10-01 08:00,2026-10-02 08:00,王值班,13800000000,,\n";
  std::ofstream(dir.File("escalation.yaml")) << EscalationYaml(false);
  std::ofstream(dir.File("pingand.yaml"))
      << "org: {file: org.yaml}\nescalation: {file: escalation.yaml}\n";
  DaemonProcess daemon(dir.File("data"));
  NotifySocket notify(dir.File("notify.sock"));
  daemon.set_env("NOTIFY_SOCKET", notify.path());
  daemon.Start({"--config", dir.File("pingand.yaml")});
  ASSERT_TRUE(notify.WaitFor("READY=1", 10s));
  EXPECT_TRUE(daemon.Control("rosters")["rosters"].empty());

  auto reload = [&] {
    daemon.Signal(SIGHUP);
    EXPECT_TRUE(notify.WaitFor("RELOADING=1", 10s));
    EXPECT_TRUE(notify.WaitFor("READY=1", 10s));
    return notify.seen().back();
  };
  std::ofstream(dir.File("escalation.yaml")) << EscalationYaml(true);
  EXPECT_NE(reload().find("escalation reloaded"), std::string::npos) << notify.seen().back();
  EXPECT_EQ(daemon.Control("rosters")["rosters"].size(), 1u) << "the new roster is in force";

  std::ofstream(dir.File("escalation.yaml")) << "policies: [ {id: broken\n";
  EXPECT_NE(reload().find("escalation kept"), std::string::npos) << notify.seen().back();
  EXPECT_EQ(daemon.Control("rosters")["rosters"].size(), 1u) << "the previous stays";
  EXPECT_EQ(daemon.Kill(SIGTERM), 0);
}

// systemctl reload (and a closed terminal) sends SIGHUP; its default action ended the
// agent as if stopped on purpose, so systemd would not restart it.
TEST(Service, TheAgentServiceOutlivesSighupAndStopsCleanlyOnSigterm) {
  TempDir dir;
  const std::string spool = dir.File("spool.db");
  std::vector<std::string> args = {PINGAN_AGENT_PATH,
                                   "--spool",
                                   spool,
                                   "--school",
                                   "s1",
                                   "--endpoint",
                                   "tcp://127.0.0.1:" + std::to_string(FreeLoopbackPort()),
                                   "--insecure-dev",
                                   "run"};
  const std::string sanitizer = dir.File("agent.sanitizer");
  const pid_t pid = ::fork();
  if (pid == 0) {
    RouteSanitizerReports(sanitizer);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  // The spool is opened after the signals are set up.
  for (int i = 0; i < 500 && !std::filesystem::exists(spool); ++i) {
    std::this_thread::sleep_for(10ms);
  }
  ASSERT_TRUE(std::filesystem::exists(spool));
  ::kill(pid, SIGHUP);
  ::kill(pid, SIGTERM);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ExpectNoSanitizerReports(sanitizer);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
      << (WIFSIGNALED(status) ? "killed by signal " + std::to_string(WTERMSIG(status)) : "");
}

// name|label=value,...|value for every sample, as Prometheus' parser reads the text.
std::map<std::string, double> ParseWithPrometheus(const std::string& text, TempDir& dir) {
  const std::string file = dir.File("metrics.txt");
  std::ofstream(file) << text;
  const std::string script =
      "import sys\n"
      "from prometheus_client.parser import text_string_to_metric_families\n"
      "for f in text_string_to_metric_families(open(sys.argv[1]).read()):\n"
      "  for s in f.samples:\n"
      "    l = ','.join(k + '=' + v for k, v in sorted(s.labels.items()))\n"
      "    print(s.name + '|' + l + '|' + repr(float(s.value)))\n";
  std::ofstream(dir.File("parse.py")) << script;
  FILE* out =
      ::popen((TestPython() + " " + dir.File("parse.py") + " " + file + " 2>&1").c_str(), "r");
  std::map<std::string, double> samples;
  char line[1024];
  while (out != nullptr && std::fgets(line, sizeof line, out) != nullptr) {
    const std::string s(line);
    const size_t bar = s.rfind('|');
    if (bar == std::string::npos) throw std::runtime_error("parser said: " + s);
    samples[s.substr(0, bar + 1)] = std::stod(s.substr(bar + 1));
  }
  if (out == nullptr || ::pclose(out) != 0) throw std::runtime_error("the parser failed");
  return samples;
}

class ServiceHttp : public ::testing::Test {
 protected:
  // A daemon with the HTTP API and `schools` enrolled schools.
  std::string StartDaemon(int schools, const std::vector<std::string>& extra = {}) {
    daemon_.Start();  // creates the daemon key
    daemon_.Kill(SIGTERM);
    for (int i = 0; i < schools; ++i) {
      const std::string id = "sch-" + std::to_string(i);
      schools_.push_back({id, daemon_.Enroll(id)});
    }
    daemon_.set_http_listen("127.0.0.1:" + std::to_string(port_));
    return daemon_.Start(extra);
  }
  HttpAnswer Get(const std::string& target, const std::map<std::string, std::string>& h = {}) {
    return HttpCall(port_, http::verb::get, target, "", h);
  }

  TempDir dir_;
  DaemonProcess daemon_{dir_.File("data")};
  const int port_ = FreeLoopbackPort();
  std::vector<FleetSchool> schools_;
};

TEST_F(ServiceHttp, HealthReadinessAndMetricsMatchWhatWasSent) {
  const std::string endpoint = StartDaemon(5);
  SchoolFleet fleet(schools_, endpoint, daemon_.ServerPublicKey());
  fleet.QueueAllClears(
      20, date::year_month_day{date::floor<date::days>(std::chrono::system_clock::now())});
  fleet.StartDelivery(60s);
  fleet.Join();
  ASSERT_EQ(fleet.Pending(), 0);
  // One report twice (STORED, then DUPLICATE) and one for another school (refused).
  zmq::context_t context;
  RawAgent agent(context, endpoint, daemon_.ServerPublicKey(), schools_[0].keys);
  const core::Report mine = AllClear("sch-0");
  agent.Send(mine);
  ASSERT_EQ(agent.NextAck()->status, wire::AckStatus::kStored);
  agent.Send(mine);
  ASSERT_EQ(agent.NextAck()->status, wire::AckStatus::kDuplicate);
  agent.Send(AllClear("sch-1"));
  ASSERT_EQ(agent.NextAck()->status, wire::AckStatus::kRejected);

  EXPECT_EQ(Get("/healthz").status, 200);
  const HttpAnswer ready = Get("/readyz");
  EXPECT_EQ(ready.status, 200) << ready.body;
  const auto checks = nlohmann::json::parse(ready.body)["checks"];
  for (const char* check : {"store", "ingest", "sweep", "clock"}) {
    EXPECT_TRUE(checks[check]["ok"].get<bool>()) << check << ": " << ready.body;
  }

  const HttpAnswer metrics = Get("/metrics");  // from 127.0.0.1: open by default
  ASSERT_EQ(metrics.status, 200) << metrics.body;
  EXPECT_EQ(metrics.content_type, "text/plain; version=0.0.4; charset=utf-8");
  auto samples = ParseWithPrometheus(metrics.body, dir_);
  if (std::getenv("PINGAN_TEST_DUMP")) std::cerr << metrics.body;
  EXPECT_EQ(samples["pingan_reports_stored_total||"], 101);
  EXPECT_EQ(samples["pingan_reports_duplicate_total||"], 1);
  EXPECT_EQ(samples["pingan_reports_rejected_total|reason=school_mismatch|"], 1);
  EXPECT_GE(samples["pingan_reports_received_total||"], 103);
  // Every batch is timed: their sizes add up to the reports that reached the store.
  EXPECT_EQ(samples["pingan_store_commit_reports_sum||"], 102);
  EXPECT_GE(samples["pingan_store_commit_seconds_count||"], 1);
  EXPECT_GE(samples["pingan_zmq_connections||"], 1) << "the raw agent's connection is open";
  EXPECT_GE(samples["pingan_handshakes_accepted_total||"], 6);
  EXPECT_EQ(samples.count("pingan_alerts|kind=missing,state=open|"), 1u);
  EXPECT_EQ(samples.count("pingan_outbox_messages|state=pending|"), 1u);
  EXPECT_GE(samples["pingan_sweep_seconds_count||"], 1);
  for (const char* by : {"background", "restart", "inline"}) {
    EXPECT_EQ(samples.count(std::string("pingan_wal_checkpoints_total|by=") + by + "|"), 1u) << by;
  }
  EXPECT_EQ(samples["pingan_wal_checkpoints_total|by=inline|"], 0) << "a small WAL never";
  // pingand's CURVE handshakes took their buffers from the locked arena, none from
  // libsodium's guarded allocations (all are under its 4 KiB).
  EXPECT_GT(samples["pingan_curve_memory_bytes|state=mapped|"], 0);
  EXPECT_LE(samples["pingan_curve_memory_bytes|state=in_use|"],
            samples["pingan_curve_memory_bytes|state=mapped|"]);
  EXPECT_EQ(samples["pingan_curve_guarded_allocations_total||"], 0);
  // Whether mlock succeeds depends on the machine's RLIMIT_MEMLOCK: only reported.
  EXPECT_EQ(samples.count("pingan_curve_memory_lock_failures_total||"), 1u);
  // Nothing in it names a school.
  EXPECT_EQ(metrics.body.find("sch-"), std::string::npos);
}

// A drill day on which not one of three schools reports: the deadline opens three
// missing alerts (counted in /metrics), and the consoles' warnings say the intake may
// be cut off, until a report arrives.
TEST_F(ServiceHttp, ADeadlineWithNoReportAtAllWarnsUntilTheNextReport) {
  std::ofstream(dir_.File("org.yaml")) << OrgYaml({"s1", "s2", "s3"});
  std::ofstream(dir_.File("calendars.yaml"))
      << "calendars:\n  - name: holiday\n    time_zone: Asia/Shanghai\n    periods:\n"
         "      - {name: 国庆节, kind: public_holiday, from: 2026-10-01, to: 2026-10-07}\n"
         "requirements:\n  - {id: daily, name: 每日报平安, kind: daily_all_clear, during: "
         "[public_holiday], deadlines: [\"16:00\"], grace: 30m}\n";
  std::ofstream(dir_.File("pingand.yaml"))
      << "org: {file: org.yaml}\ncalendars: {file: calendars.yaml}\n"
         "monitoring: {silent_intake_min_owed: 3}\n";
  daemon_.Start();  // creates the daemon key
  daemon_.Kill(SIGTERM);
  const wire::CurveKeyPair keys = daemon_.Enroll("s1");
  daemon_.set_http_listen("127.0.0.1:" + std::to_string(port_));
  const std::string endpoint = daemon_.Start({"--config", dir_.File("pingand.yaml"), "--clock",
                                              "drill", "--start", "2026-10-01T08:00:00+08:00"});
  const std::string token =
      daemon_.Control("tokens.create", {{"label", "screen"}, {"role", "duty_officer"}})["token"];
  auto warnings = [&] {
    const HttpAnswer a = Get("/api/v1/system/warnings", {{"Authorization", "Bearer " + token}});
    EXPECT_EQ(a.status, 200) << a.body;
    const nlohmann::json answer = nlohmann::json::parse(a.body);
    std::set<std::string> codes;
    for (const auto& w : answer["warnings"]) codes.insert(w["code"].get<std::string>());
    return codes;
  };
  auto eventually = [&](bool want_silent) {
    for (int i = 0; i < 500; ++i) {
      if (warnings().count("intake_silent") == (want_silent ? 1u : 0u)) return true;
      std::this_thread::sleep_for(10ms);
    }
    return false;
  };
  // Right after the start the store has not answered its first probe yet.
  bool clear = false;
  for (int i = 0; i < 500 && !clear; ++i) {
    clear = warnings().empty();
    if (!clear) std::this_thread::sleep_for(10ms);
  }
  EXPECT_TRUE(clear);
  EXPECT_EQ(Get("/api/v1/system/warnings").status, 401) << "signed-in users only";

  daemon_.Control("clock.advance", {{"by", "9h"}});  // 17:00: the 16:30 grace end passed
  ASSERT_TRUE(eventually(true));
  auto samples = ParseWithPrometheus(Get("/metrics").body, dir_);
  EXPECT_EQ(samples["pingan_alerts_opened_total|kind=missing|"], 3);
  EXPECT_EQ(samples["pingan_alerts|kind=missing,state=open|"], 3);

  zmq::context_t context;
  RawAgent agent(context, endpoint, daemon_.ServerPublicKey(), keys);
  core::Report late = AllClear("s1");
  late.covers = date::year_month_day{date::year{2026} / 10 / 1};
  agent.Send(late);
  const auto ack = agent.NextAck();
  ASSERT_TRUE(ack.has_value());
  EXPECT_EQ(ack->status, wire::AckStatus::kStored);
  EXPECT_TRUE(eventually(false)) << "a report clears it";
}

TEST_F(ServiceHttp, MetricsFromOtherAddressesNeedATokenThatViewsStatus) {
  const std::string config = dir_.File("pingand.yaml");
  std::ofstream(config) << "monitoring:\n  metrics_open_to: [\"10.9.9.9\"]\n";
  StartDaemon(0, {"--config", config});
  EXPECT_EQ(Get("/metrics").status, 401);
  EXPECT_EQ(Get("/metrics", {{"Authorization", "Bearer nonsense"}}).status, 401);
  const std::string token =
      daemon_.Control("tokens.create", {{"label", "prometheus"}, {"role", "auditor"}})["token"];
  EXPECT_EQ(Get("/metrics", {{"Authorization", "Bearer " + token}}).status, 200);
  EXPECT_EQ(Get("/healthz").status, 200) << "liveness needs no token";
}

}  // namespace
}  // namespace pingan::testing

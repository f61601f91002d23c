// Black-box test of pinganctl over the HTTP API: the real pingand (drill clock, HTTP on a
// free port) and the real pinganctl binary with an API token made on the local control
// socket. A school enrolled with `keys enroll --generate` connects with the generated
// key, a revoked one no longer can; status, alerts, missing and the ledger export answer
// what happened; refusals and unreachable daemons give exit codes 2 and 1.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "daemon/ctl/command_table.h"
#include "tests/integration/ctl_run.h"
#include "tests/integration/daemon_process.h"
#include "tests/integration/school_fleet.h"
#include "tests/notify/test_peers.h"

namespace pingan::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

class PinganctlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::ofstream(dir_.File("org.yaml"))
        << "units:\n  - id: district\n    name: 测试区教育局\n    kind: district\n"
           "    children:\n      - {id: s1, name: 第一小学, kind: school}\n"
           "      - {id: s2, name: 第二小学, kind: school}\n";
    std::ofstream(dir_.File("calendars.yaml"))
        << "calendars:\n  - name: holiday\n    time_zone: Asia/Shanghai\n    periods:\n"
           "      - {name: 国庆节, kind: public_holiday, from: 2026-10-01, to: 2026-10-07}\n"
           "requirements:\n  - {id: daily, name: 每日报平安, kind: daily_all_clear, during: "
           "[public_holiday], deadlines: [\"16:00\"], grace: 30m}\n";
    daemon_ = std::make_unique<DaemonProcess>(dir_.File("data"));
    port_ = FreeLoopbackPort();
    daemon_->set_http_listen("127.0.0.1:" + std::to_string(port_));
    endpoint_ =
        daemon_->Start({"--org", dir_.File("org.yaml"), "--calendars", dir_.File("calendars.yaml"),
                        "--clock", "drill", "--start", "2026-10-01T08:00:00+08:00"});
    // The bootstrap path: an admin token over the local control socket, its printed
    // answer used as the token file as it is (`tokens create ... > file`).
    const CtlRun made =
        Ctl({"--data-dir", daemon_->data_dir(), "tokens", "create", "ops", "--role", "admin"});
    ASSERT_EQ(made.exit, 0) << made.err;
    std::ofstream(dir_.File("admin.token")) << made.out;
    ::chmod(dir_.File("admin.token").c_str(), 0600);
  }

  void WriteToken(const std::string& name, const std::string& token) {
    std::ofstream(dir_.File(name)) << "# pingan API token\n" << token << "\n";
    ::chmod(dir_.File(name).c_str(), 0600);
  }

  // Runs pinganctl with `args`, its output captured in files.
  CtlRun Ctl(const std::vector<std::string>& args) { return RunPinganctl(dir_, args); }
  // Over HTTP with the given token file.
  CtlRun Http(std::vector<std::string> args, const std::string& token = "admin.token") {
    args.insert(args.begin(), {"--url", "http://127.0.0.1:" + std::to_string(port_) + "/",
                               "--token-file", dir_.File(token)});
    return Ctl(args);
  }
  json HttpJson(const std::vector<std::string>& args) {
    std::vector<std::string> with = {"--json"};
    with.insert(with.end(), args.begin(), args.end());
    const CtlRun r = Http(with);
    EXPECT_EQ(r.exit, 0) << r.err;
    return json::parse(r.out, nullptr, false);
  }

  TempDir dir_;
  std::unique_ptr<DaemonProcess> daemon_;
  unsigned short port_ = 0;
  std::string endpoint_;
};

TEST_F(PinganctlTest, EnrolsASchoolThatThenReportsAndExportsTheLedger) {
  const json status = HttpJson({"status"});
  EXPECT_EQ(status["clock"], "drill");
  EXPECT_EQ(status["schools"], 2);

  const std::string keys_dir = dir_.File("handover");
  const CtlRun enrolled = Http({"keys", "enroll", "s1", "--generate", keys_dir});
  ASSERT_EQ(enrolled.exit, 0) << enrolled.err;
  EXPECT_NE(enrolled.out.find("enrolled"), std::string::npos);
  struct stat st {};
  ASSERT_EQ(::stat((keys_dir + "/s1.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_TRUE(std::filesystem::exists(daemon_->data_dir() + "/schools/s1.pub"));

  // The school connects with the key it was handed, at once (no restart, no SIGHUP).
  auto keys = wire::ReadSecretKeyFile(keys_dir + "/s1.key");
  ASSERT_TRUE(std::holds_alternative<wire::CurveKeyPair>(keys));
  {
    SchoolFleet fleet({{"s1", std::get<wire::CurveKeyPair>(keys)}}, endpoint_,
                      daemon_->ServerPublicKey());
    fleet.QueueAllClear(0, date::year{2026} / 10 / 1);
    fleet.StartDelivery(30s);
    fleet.Join();
    ASSERT_EQ(fleet.Pending(), 0);
  }

  // Past the deadline (16:00 + 30 min grace): s2 is missing, s1 is not.
  ASSERT_EQ(Http({"clock", "advance", "9h"}).exit, 0);
  json missing;
  for (int i = 0; i < 500 && missing.empty(); ++i) {
    missing = HttpJson({"missing"});
    if (missing.empty()) std::this_thread::sleep_for(20ms);  // the sweep runs on its thread
  }
  ASSERT_EQ(missing.size(), 1u) << missing.dump();
  EXPECT_EQ(missing[0]["school_id"], "s2");
  const json alerts = HttpJson({"alerts", "--kind", "missing"});
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0]["school_id"], "s2");

  const std::string csv_path = dir_.File("ledger.csv");
  const CtlRun exported =
      Http({"export", "--from", "2026-10-01", "--to", "2026-10-01", "-o", csv_path});
  ASSERT_EQ(exported.exit, 0) << exported.err;
  const std::string csv = ReadFile(csv_path);
  ASSERT_EQ(csv.substr(0, 3), "\xEF\xBB\xBF");
  EXPECT_NE(csv.find("2026-10-01,2026-10-01,daily,s1,第一小学,测试区教育局,on_time,2026-10-01 "),
            std::string::npos)
      << csv;
  EXPECT_NE(csv.find("2026-10-01,2026-10-01,daily,s2,第二小学,测试区教育局,missing,,\r\n"),
            std::string::npos)
      << csv;

  // Revoked: the next connection with that key is refused.
  ASSERT_EQ(Http({"keys", "revoke", "s1"}).exit, 0);
  SchoolFleet again({{"s1", std::get<wire::CurveKeyPair>(keys)}}, endpoint_,
                    daemon_->ServerPublicKey());
  again.QueueAllClear(0, date::year{2026} / 10 / 2);
  again.StartDelivery(2s);
  again.Join();
  EXPECT_EQ(again.Pending(), 1);
}

TEST_F(PinganctlTest, RefusalsExitWithTwoAndUnreachableDaemonsWithOne) {
  const std::string keys_dir = dir_.File("handover");
  const CtlRun unknown = Http({"keys", "enroll", "nowhere", "--generate", keys_dir});
  EXPECT_EQ(unknown.exit, 2);
  EXPECT_NE(unknown.err.find("(not_found)"), std::string::npos) << unknown.err;
  EXPECT_FALSE(std::filesystem::exists(keys_dir + "/nowhere.key"));  // nothing left behind

  const json duty = HttpJson({"tokens", "create", "watch", "--role", "duty_officer"});
  WriteToken("duty.token", duty["token"]);
  const CtlRun forbidden = Http({"keys", "list"}, "duty.token");
  EXPECT_EQ(forbidden.exit, 2);
  EXPECT_NE(forbidden.err.find("(forbidden)"), std::string::npos) << forbidden.err;
  EXPECT_EQ(Http({"status"}, "duty.token").exit, 0);

  std::ofstream(dir_.File("bad.csv")) << "id,name,parent\ns3,第三小学,nowhere\n";
  const CtlRun bad = Http({"schools", "import", dir_.File("bad.csv")});
  EXPECT_EQ(bad.exit, 2);
  EXPECT_NE(bad.err.find("unknown parent 'nowhere'"), std::string::npos) << bad.err;

  const CtlRun closed = Ctl({"--url", "http://127.0.0.1:" + std::to_string(FreeLoopbackPort()),
                             "--token-file", dir_.File("admin.token"), "status"});
  EXPECT_EQ(closed.exit, 1);
  EXPECT_EQ(Ctl({"--url", "http://127.0.0.1:1", "status"}).exit, 1);  // no token at all
}

TEST_F(PinganctlTest, ClockAdvanceToAnAbsoluteTimeAndCalendarShowAsText) {
  const json moved = HttpJson({"clock", "advance", "--to", "2026-10-01T16:30:00+08:00"});
  // The drill clock runs on at speed 1 while the test goes on: seconds, not minutes.
  EXPECT_TRUE(moved["now"].get<std::string>().starts_with("2026-10-01T08:30:0")) << moved.dump();
  const CtlRun back = Http({"clock", "advance", "--to", "2026-10-01T09:00:00+08:00"});
  EXPECT_EQ(back.exit, 2) << "a drill clock only moves forward";
  EXPECT_NE(back.err.find("only moves forward"), std::string::npos) << back.err;
  EXPECT_EQ(Http({"clock", "advance", "--to", "tomorrow"}).exit, 2);
  const CtlRun relative = Http({"clock", "advance", "30m"});
  EXPECT_EQ(relative.exit, 0) << relative.err;
  EXPECT_NE(relative.out.find("now 2026-10-01T09:00:0"), std::string::npos) << relative.out;
  // Human text by default, JSON only with --json.
  const CtlRun shown = Http({"calendar", "show"});
  ASSERT_EQ(shown.exit, 0) << shown.err;
  EXPECT_NE(shown.out.find("calendar holiday (Asia/Shanghai)"), std::string::npos) << shown.out;
  EXPECT_FALSE(shown.out.starts_with("{")) << shown.out;
  EXPECT_EQ(HttpJson({"calendar", "show"})["calendars"][0]["name"], "holiday");
}

// Exemptions over HTTP (the token names the actor) and over the local socket (the login
// does): text by default, JSON with --json, a withdrawal refused the second time.
TEST_F(PinganctlTest, ExemptionsAreAddedListedAndWithdrawn) {
  const CtlRun added = Http({"exemption", "add", "--from", "2026-10-03", "--to", "2026-10-04",
                             "--scope", "s1", "--requirements", "daily", "--reason", "台风停课"});
  ASSERT_EQ(added.exit, 0) << added.err;
  EXPECT_NE(added.out.find("2026-10-03..2026-10-04 s1: added (accepted)"), std::string::npos)
      << added.out;
  const CtlRun local =
      Ctl({"--data-dir", daemon_->data_dir(), "exemption", "add", "--from", "2026-10-05", "--to",
           "2026-10-05", "--scope", "district", "--reason", "停电"});
  ASSERT_EQ(local.exit, 0) << local.err;
  json list;
  for (int i = 0; i < 100 && list.size() < 2; ++i) {
    list = HttpJson({"exemption", "list"});
    if (list.size() < 2) std::this_thread::sleep_for(20ms);  // written by the store thread
  }
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[1]["scope"]["id"], "s1");
  EXPECT_EQ(list[1]["created_by"], "token:ops") << "the token names the actor";
  EXPECT_EQ(list[1]["requirements"][0]["id"], "daily");
  EXPECT_EQ(list[0]["scope"]["name"], "测试区教育局");
  const CtlRun text = Http({"exemption", "list"});
  ASSERT_EQ(text.exit, 0) << text.err;
  EXPECT_NE(text.out.find("台风停课"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("s1 第一小学"), std::string::npos) << text.out;
  EXPECT_FALSE(text.out.starts_with("[")) << text.out;

  const std::string id = list[1]["id"];
  ASSERT_EQ(Http({"exemption", "withdraw", id}).exit, 0);
  json all;
  for (int i = 0; i < 100; ++i) {
    all = HttpJson({"exemption", "list", "--all"});
    if (all.size() == 2 && all[1]["state"] == "withdrawn") break;
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_EQ(all[1]["state"], "withdrawn");
  EXPECT_EQ(HttpJson({"exemption", "list"}).size(), 1u);
  EXPECT_EQ(Http({"exemption", "withdraw", id}).exit, 2) << "already withdrawn";
  const CtlRun bad = Http({"exemption", "add", "--from", "2026-10-05", "--to", "2026-10-04",
                           "--scope", "s1", "--reason", "x"});
  EXPECT_EQ(bad.exit, 2);
  EXPECT_NE(bad.err.find("'from' must not be after 'to'"), std::string::npos) << bad.err;
}

TEST_F(PinganctlTest, EveryCommandOfTheTableExistsOnTheControlSocket) {
  for (const ctl::CtlCommand& c : ctl::Commands()) {
    const json answer =
        ctl::ControlRequest(daemon_->data_dir() + "/control.sock", c.control, json::object());
    EXPECT_NE(answer.value("error", json::object()).value("code", ""), "unknown_command")
        << c.control;
  }
}

}  // namespace
}  // namespace pingan::testing

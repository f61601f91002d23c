// A wall clock that jumps must not decide the deadlines in the jump: a whole in-process
// pingand on a fake wall clock and a fake monotonic clock (TwoClocks: real time that both
// follow, and a step only the wall clock has). A nine-hour forward step
// passes a 16:30 grace end; no school becomes missing, the consoles show a clock_step
// warning, and only `clock confirm` (or the settle time) lets the sweep decide it. When
// both clocks move together, the same nine hours decide the deadline at once. Waits are
// for conditions (bounded), never for time.
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <set>
#include <thread>

#include "daemon/app/daemon.h"
#include "daemon/ctl/control_client.h"
#include "tests/fakes/temp_dir.h"
#include "tests/integration/http_client.h"

namespace pingan::app {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;
namespace http = boost::beast::http;

// 2026-10-01 08:00 in Shanghai.
const core::Instant kMorning = date::sys_days{date::year{2026} / 10 / 1} + 0h;

// Real time moves both clocks; Step() only the wall clock. Real time moves a minute at
// a time (under the two-minute threshold), so a sweep reading the two clocks while real
// time moves never sees a step that was not made.
class TwoClocks final : public core::Clock {
 public:
  core::Instant Now() const override { return kMorning + core::Millis{real_ + step_}; }
  core::Millis Monotonic() const { return core::Millis{real_.load()}; }
  void Pass(std::chrono::minutes minutes) {
    for (int i = 0; i < minutes.count(); ++i) real_ += 60'000;
  }
  void Step(core::Millis by) { step_ += by.count(); }

 private:
  std::atomic<int64_t> real_{0};
  std::atomic<int64_t> step_{0};
};

template <class F>
bool Eventually(F done) {
  const auto give_up = std::chrono::steady_clock::now() + 30s;
  while (!done()) {
    if (std::chrono::steady_clock::now() > give_up) return false;
    std::this_thread::sleep_for(2ms);
  }
  return true;
}

class ClockStepTest : public ::testing::Test {
 protected:
  ~ClockStepTest() override {
    if (!daemon_) return;
    daemon_->Stop();
    loop_.join();
  }

  void StartDaemon(int settle_minutes) {
    std::ofstream(dir_.File("org.yaml"))
        << "units:\n  - id: district\n    name: 测试区教育局\n    kind: district\n"
           "    children:\n      - {id: s1, name: 第一小学, kind: school}\n";
    std::ofstream(dir_.File("calendars.yaml"))
        << "calendars:\n  - name: holiday\n    time_zone: Asia/Shanghai\n    periods:\n"
           "      - {name: 国庆节, kind: public_holiday, from: 2026-10-01, to: 2026-10-07}\n"
           "requirements:\n  - {id: daily, name: 每日报平安, kind: daily_all_clear, during: "
           "[public_holiday], deadlines: [\"16:00\"], grace: 30m}\n";
    config::DaemonConfig config = config::DefaultConfig();
    config.data_dir = dir_.File("data");
    config.listen = "tcp://127.0.0.1:*";
    config.http.listen = "127.0.0.1:0";
    config.log_level = "warn";
    config.org_file = dir_.File("org.yaml");
    config.calendars_file = dir_.File("calendars.yaml");
    config.monitoring.clock_settle_minutes = settle_minutes;
    DaemonOptions options;
    options.insecure_dev = true;
    options.sweep_tick = 5ms;
    options.watch_clock_steps = true;
    options.monotonic = [this] { return clocks_.Monotonic(); };
    daemon_ = std::make_unique<Daemon>(config, clocks_, options);
    daemon_->Start();
    loop_ = std::thread([this] { daemon_->Run(); });
    token_ = Control("tokens.create", {{"label", "t"}, {"role", "duty_officer"}})["result"].value(
        "token", "");
    // The first sweep has set its position.
    ASSERT_TRUE(Eventually(
        [&] { return Control("status", json::object())["result"].contains("swept_to"); }));
  }

  json Control(const std::string& command, const json& args) {
    return ctl::ControlRequest(daemon_->control_socket_path(), command, args);
  }
  std::set<std::string> Warnings() {
    const testing::HttpAnswer a =
        testing::HttpCall(daemon_->http_api()->port(), http::verb::get, "/api/v1/system/warnings",
                          "", {{"Authorization", "Bearer " + token_}});
    std::set<std::string> codes;
    if (a.status != 200) return codes;
    const json answer = json::parse(a.body);
    for (const auto& w : answer["warnings"]) codes.insert(w["code"].get<std::string>());
    return codes;
  }
  size_t MissingAlerts() { return Control("alerts", {{"kind", "missing"}})["result"].size(); }
  std::string SweptTo() {
    return Control("status", json::object())["result"].value("swept_to", "");
  }

  testing::TempDir dir_;
  TwoClocks clocks_;
  std::unique_ptr<Daemon> daemon_;
  std::thread loop_;
  std::string token_;
};

TEST_F(ClockStepTest, AForwardStepHoldsTheDeadlinesInItUntilTheOperatorConfirms) {
  StartDaemon(/*settle_minutes=*/0);
  EXPECT_TRUE(Warnings().empty());

  clocks_.Step(9h);  // 17:00: the 16:30 grace end is in the jump; no real time passed
  ASSERT_TRUE(Eventually([&] { return Warnings().count("clock_step") == 1; }));
  // The sweep that saw the step has run, capped at the hold point: nothing was decided.
  EXPECT_EQ(MissingAlerts(), 0u);
  EXPECT_LT(SweptTo(), "2026-10-01T08:30:00Z") << "the sweep waits at the step";

  const json confirmed = Control("clock.confirm", json::object());
  ASSERT_TRUE(confirmed["ok"]) << confirmed.dump();
  EXPECT_TRUE(confirmed["result"]["released"]);
  ASSERT_TRUE(Eventually([&] { return MissingAlerts() == 1; }));
  EXPECT_TRUE(Eventually([&] { return Warnings().count("clock_step") == 0; }));
  EXPECT_FALSE(Control("clock.confirm", json::object())["result"]["released"])
      << "nothing is held any more";
}

TEST_F(ClockStepTest, AHoldEndsByItselfAfterTheSettleTime) {
  StartDaemon(/*settle_minutes=*/30);
  clocks_.Step(9h);
  ASSERT_TRUE(Eventually([&] { return Warnings().count("clock_step") == 1; }));
  EXPECT_EQ(MissingAlerts(), 0u);

  clocks_.Pass(29min);
  EXPECT_EQ(Warnings().count("clock_step"), 1u) << "29 of 30 minutes";
  clocks_.Pass(1min);
  ASSERT_TRUE(Eventually([&] { return MissingAlerts() == 1; }));
  EXPECT_EQ(Warnings().count("clock_step"), 0u);
}

TEST_F(ClockStepTest, ClocksThatMoveTogetherDecideTheDeadlineAtOnce) {
  StartDaemon(/*settle_minutes=*/0);
  clocks_.Pass(9h);
  ASSERT_TRUE(Eventually([&] { return MissingAlerts() == 1; }));
  EXPECT_TRUE(Warnings().empty());
}

}  // namespace
}  // namespace pingan::app

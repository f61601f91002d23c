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

#include "tests/app/in_process_daemon.h"
#include "tests/fakes/temp_dir.h"

namespace pingan::app {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

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

class ClockStepTest : public ::testing::Test {
 protected:
  void StartDaemon(int settle_minutes) {
    std::ofstream(dir_.File("org.yaml"))
        << "units:\n  - id: district\n    name: 测试区教育局\n    kind: district\n"
           "    children:\n      - {id: s1, name: 第一小学, kind: school}\n";
    std::ofstream(dir_.File("calendars.yaml"))
        << "calendars:\n  - name: holiday\n    time_zone: Asia/Shanghai\n    periods:\n"
           "      - {name: 国庆节, kind: public_holiday, from: 2026-10-01, to: 2026-10-07}\n"
           "requirements:\n  - {id: daily, name: 每日报平安, kind: daily_all_clear, during: "
           "[public_holiday], deadlines: [\"16:00\"], grace: 30m}\n";
    config::DaemonConfig config = testing::InProcessDaemon::TestConfig(dir_.File("data"));
    config.org_file = dir_.File("org.yaml");
    config.calendars_file = dir_.File("calendars.yaml");
    config.monitoring.clock_settle_minutes = settle_minutes;
    DaemonOptions options;
    options.sweep_tick = 5ms;
    options.watch_clock_steps = true;
    options.monotonic = [this] { return clocks_.Monotonic(); };
    daemon_.Start(config, clocks_, options);
    // The first sweep has set its position.
    ASSERT_TRUE(testing::Eventually(
        [&] { return Control("status", json::object())["result"].contains("swept_to"); }));
  }

  json Control(const std::string& command, const json& args) {
    return daemon_.Control(command, args);
  }
  std::set<std::string> Warnings() { return daemon_.WarningCodes(); }
  size_t MissingAlerts() { return Control("alerts", {{"kind", "missing"}})["result"].size(); }
  std::string SweptTo() {
    return Control("status", json::object())["result"].value("swept_to", "");
  }

  testing::TempDir dir_;
  TwoClocks clocks_;
  testing::InProcessDaemon daemon_;
};

TEST_F(ClockStepTest, AForwardStepHoldsTheDeadlinesInItUntilTheOperatorConfirms) {
  StartDaemon(/*settle_minutes=*/0);
  EXPECT_TRUE(Warnings().empty());

  clocks_.Step(9h);  // 17:00: the 16:30 grace end is in the jump; no real time passed
  ASSERT_TRUE(testing::Eventually([&] { return Warnings().count("clock_step") == 1; }));
  // The sweep that saw the step has run, capped at the hold point: nothing was decided.
  EXPECT_EQ(MissingAlerts(), 0u);
  EXPECT_LT(SweptTo(), "2026-10-01T08:30:00Z") << "the sweep waits at the step";

  const json confirmed = Control("clock.confirm", json::object());
  ASSERT_TRUE(confirmed["ok"]) << confirmed.dump();
  EXPECT_TRUE(confirmed["result"]["released"]);
  ASSERT_TRUE(testing::Eventually([&] { return MissingAlerts() == 1; }));
  EXPECT_TRUE(testing::Eventually([&] { return Warnings().count("clock_step") == 0; }));
  EXPECT_FALSE(Control("clock.confirm", json::object())["result"]["released"])
      << "nothing is held any more";
}

TEST_F(ClockStepTest, AHoldEndsByItselfAfterTheSettleTime) {
  StartDaemon(/*settle_minutes=*/30);
  clocks_.Step(9h);
  ASSERT_TRUE(testing::Eventually([&] { return Warnings().count("clock_step") == 1; }));
  EXPECT_EQ(MissingAlerts(), 0u);

  clocks_.Pass(29min);
  EXPECT_EQ(Warnings().count("clock_step"), 1u) << "29 of 30 minutes";
  clocks_.Pass(1min);
  ASSERT_TRUE(testing::Eventually([&] { return MissingAlerts() == 1; }));
  EXPECT_EQ(Warnings().count("clock_step"), 0u);
}

TEST_F(ClockStepTest, ClocksThatMoveTogetherDecideTheDeadlineAtOnce) {
  StartDaemon(/*settle_minutes=*/0);
  clocks_.Pass(9h);
  ASSERT_TRUE(testing::Eventually([&] { return MissingAlerts() == 1; }));
  EXPECT_TRUE(Warnings().empty());
}

}  // namespace
}  // namespace pingan::app

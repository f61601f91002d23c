// The typed operations about the daemon's own clock and day (ClockService::Advance,
// StatusService::Ledger) over a real database and fake clocks: what their typed answers
// hold, their refusals, and that the control commands answer exactly the JSON view of
// the same call.
#include <gtest/gtest.h>

#include "daemon/core/local_time.h"
#include "daemon/services/control_handlers.h"
#include "daemon/services/status_json.h"
#include "tests/services/console_query_support.h"
#include "tests/services/error_code.h"

namespace pingan::services {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using pingan::testing::CodeOf;
using testing::At;

class ClockAndLedgerTest : public testing::ConsoleQueryTest {
 protected:
  ClockAndLedgerTest()
      : drill_(clock_, At(3, 9), 1.0),
        status_(Context(clock_, nullptr)),
        drill_status_(Context(drill_, &drill_)),
        system_clock_(Context(clock_, nullptr)),
        drill_clock_(Context(drill_, &drill_)) {
    RegisterControlHandlers(server_, status_);
    RegisterClockCommand(server_, drill_clock_);
  }

  ControlContext Context(const core::Clock& clock, core::DrillClock* drill) {
    return ControlContext{
        clock, drill, schedules_, dir_.File("pingan.db"), nullptr, [this] { ++moved_; }};
  }

  core::DrillClock drill_;
  int moved_ = 0;  // on_clock_moved calls
  StatusService status_;
  StatusService drill_status_;
  ClockService system_clock_;
  ClockService drill_clock_;
};

TEST_F(ClockAndLedgerTest, ADrillClockMovesForwardByAStepOrToAnInstant) {
  const ClockReading after_step = drill_clock_.Advance(ParseClockMove("2h", ""));
  EXPECT_EQ(after_step.now, At(3, 11));
  EXPECT_TRUE(after_step.drill);
  EXPECT_EQ(drill_status_.Clock().now, At(3, 11)) << "the daemon's clock moved";
  EXPECT_EQ(moved_, 1) << "the sweep is kicked after a move";
  const ClockReading after_jump =
      drill_clock_.Advance(ParseClockMove("", "2026-10-03T16:30:00+08:00"));
  EXPECT_EQ(after_jump.now, At(3, 16, 30));
  EXPECT_EQ(moved_, 2);
  // The command answers the clock's one JSON view.
  const json answer = Ok("clock.advance", {{"by", "30m"}});
  EXPECT_EQ(answer, ToJson(ClockReading{At(3, 17), true}));
  EXPECT_EQ(answer["clock"], "drill");
}

TEST_F(ClockAndLedgerTest, ClockMovesAreRefusedOnTheSystemClockBackwardsOrWhenAmbiguous) {
  EXPECT_EQ(CodeOf([&] { system_clock_.Advance(ParseClockMove("2h", "")); }), "not_drill");
  EXPECT_EQ(CodeOf([&] { drill_clock_.Advance(ClockMove{}); }), "bad_request");
  EXPECT_EQ(CodeOf([&] { drill_clock_.Advance(ClockMove{2h, At(3, 12)}); }), "bad_request");
  EXPECT_EQ(CodeOf([&] {
              drill_clock_.Advance(ClockMove{std::nullopt, At(3, 8)});
            }),
            "bad_request")
      << "only forward";
  EXPECT_EQ(CodeOf([] { ParseClockMove("soon", ""); }), "bad_request");
  EXPECT_EQ(CodeOf([] { ParseClockMove("-2h", ""); }), "bad_request");
  EXPECT_EQ(CodeOf([] { ParseClockMove("", "tomorrow"); }), "bad_request");
  EXPECT_EQ(drill_.Now(), At(3, 9)) << "nothing moved";
  EXPECT_EQ(moved_, 0);
  EXPECT_EQ(ErrorCode("clock.advance", {{"by", "2h"}, {"to", "2026-10-03T16:30:00+08:00"}}),
            "bad_request");
}

TEST_F(ClockAndLedgerTest, TheLedgerOfADayCountsEachAllClearWindow) {
  Received("a1", 3, At(3, 9));
  Received("b1", 3, At(3, 16, 10), /*late=*/true);
  Missing("a2", 3);
  const LedgerDay day = status_.Ledger(date::year{2026} / 10 / 3);
  EXPECT_EQ(day.day, date::year{2026} / 10 / 3);
  ASSERT_EQ(day.windows.size(), 1u) << "the monthly summary is not an all-clear";
  const LedgerWindow& w = day.windows[0];
  EXPECT_EQ(w.window.window.requirement_id, "holiday-daily");
  EXPECT_EQ(w.window.requirement_name, "假期每日平安报");
  EXPECT_EQ(w.schools, 3);
  EXPECT_EQ(w.on_time, 1);
  EXPECT_EQ(w.late, 1);
  EXPECT_EQ(w.missing, 1);
  EXPECT_EQ(w.excused, 1) << "a3 is paused";
  EXPECT_EQ(w.outstanding, 0) << "the grace ended at 16:30";
  // Today (the default) is the 3rd; the command answers the JSON view of the same call.
  EXPECT_EQ(status_.Ledger(std::nullopt).day, day.day);
  EXPECT_EQ(Ok("ledger.today", json::object()), ToJson(day));
  EXPECT_EQ(Ok("ledger.today", {{"date", "2026-10-03"}})["windows"][0]["late"], 1);
}

TEST_F(ClockAndLedgerTest, BeforeTheGraceEndsTheSilentSchoolsAreOutstanding) {
  Received("a1", 4, At(3, 18));  // early: the window of the 4th
  const LedgerDay day = status_.Ledger(date::year{2026} / 10 / 4);
  ASSERT_EQ(day.windows.size(), 1u);
  EXPECT_EQ(day.windows[0].on_time, 1);
  EXPECT_EQ(day.windows[0].outstanding, 2);
  EXPECT_TRUE(status_.Ledger(date::year{2026} / 10 / 9).windows.empty()) << "after the holiday";
  EXPECT_EQ(ErrorCode("ledger.today", {{"date", "10/04"}}), "bad_request");
  schedules_.Set(nullptr);
  EXPECT_EQ(CodeOf([&] { status_.Ledger(std::nullopt); }), "no_schedule");
}

}  // namespace
}  // namespace pingan::services

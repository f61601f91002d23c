// pingan-loadgen's send schedule: when each report is due (steady rate, burst window)
// and how the reports are shared between workers, driven by injected instants.
#include "agents/loadgen_schedule.h"

#include <gtest/gtest.h>

#include <set>

namespace pingan::agent::loadgen {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

Schedule Rate(int64_t reports, double rate) {
  return Schedule{reports, Pace::kRate, rate, {}};
}
Schedule Burst(int64_t reports, Micros window) {
  return Schedule{reports, Pace::kBurst, 0, window};
}

TEST(LoadgenSchedule, SteadyRateSpacesReportsEvenly) {
  const Schedule s = Rate(1000, 200);  // one every 5 ms
  EXPECT_EQ(s.Offset(0), Micros{0});
  EXPECT_EQ(s.Offset(1), milliseconds{5});
  EXPECT_EQ(s.Offset(200), seconds{1});
  EXPECT_EQ(s.Span(), milliseconds{4995});
}

TEST(LoadgenSchedule, BurstPutsEveryReportInsideTheWindow) {
  const int64_t n = 520000;
  const Schedule s = Burst(n, seconds{60});
  EXPECT_EQ(s.Offset(0), Micros{0});
  EXPECT_EQ(s.Offset(n / 2), seconds{30});
  EXPECT_LT(s.Span(), seconds{60});
  EXPECT_GT(s.Span(), seconds{60} - milliseconds{1});
  for (int64_t i = 1; i < n; i += 997) EXPECT_LE(s.Offset(i - 1), s.Offset(i));
}

TEST(LoadgenSchedule, ChecksRefuseUnusableSchedules) {
  EXPECT_EQ(CheckSchedule(Rate(10, 5)), "");
  EXPECT_NE(CheckSchedule(Rate(0, 5)), "");
  EXPECT_NE(CheckSchedule(Rate(10, 0)), "");
  EXPECT_NE(CheckSchedule(Burst(10, Micros{0})), "");
  EXPECT_EQ(CheckSchedule(Burst(10, seconds{1})), "");
}

TEST(LoadgenSchedule, PlanHandsOutNothingBeforeItsTime) {
  const Micros start = seconds{100};
  SendPlan plan(Rate(10, 10), 0, 1, start);  // one every 100 ms
  EXPECT_EQ(plan.NextDue(start - Micros{1}), std::nullopt);
  EXPECT_EQ(plan.NextDue(start), 0);
  EXPECT_EQ(plan.NextDue(start), std::nullopt);
  EXPECT_EQ(plan.NextAt(), start + milliseconds{100});
  EXPECT_EQ(plan.NextDue(start + milliseconds{99}), std::nullopt);
  EXPECT_EQ(plan.NextDue(start + milliseconds{100}), 1);
}

TEST(LoadgenSchedule, PlanCatchesUpInOrderWhenLate) {
  const Micros start = seconds{1};
  SendPlan plan(Rate(5, 100), 0, 1, start);
  std::vector<int64_t> due;
  while (auto i = plan.NextDue(start + seconds{1})) due.push_back(*i);
  EXPECT_EQ(due, (std::vector<int64_t>{0, 1, 2, 3, 4}));
  EXPECT_TRUE(plan.done());
  EXPECT_EQ(plan.NextAt(), std::nullopt);
}

TEST(LoadgenSchedule, WorkersShareTheReportsExactlyOnceAtTheirGlobalTimes) {
  const Schedule s = Burst(1001, seconds{10});
  const Micros start = seconds{5};
  const int workers = 6;
  std::set<int64_t> seen;
  int64_t total = 0;
  for (int w = 0; w < workers; ++w) {
    SendPlan plan(s, w, workers, start);
    total += plan.count();
    int64_t mine = 0;
    while (auto next = plan.NextAt()) {
      const auto i = plan.NextDue(*next);
      ASSERT_TRUE(i.has_value());
      EXPECT_EQ(*i % workers, w);
      EXPECT_EQ(*next, start + s.Offset(*i));
      EXPECT_TRUE(seen.insert(*i).second) << "report " << *i << " twice";
      ++mine;
    }
    EXPECT_EQ(mine, plan.count());
  }
  EXPECT_EQ(total, 1001);
  EXPECT_EQ(seen.size(), 1001u);
}

TEST(LoadgenSchedule, MoreWorkersThanReportsLeavesSomeIdle) {
  SendPlan idle(Rate(3, 1), 5, 8, Micros{0});
  EXPECT_EQ(idle.count(), 0);
  EXPECT_TRUE(idle.done());
  SendPlan busy(Rate(3, 1), 2, 8, Micros{0});
  EXPECT_EQ(busy.count(), 1);
}

}  // namespace
}  // namespace pingan::agent::loadgen

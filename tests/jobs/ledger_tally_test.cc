// The LedgerTally between the LedgerRecorder and the deadline sweep: a rolled-back batch
// never counts as reported (a false all-clear is the worst bug), a row written behind
// the tally's back gives no alert and is counted, a decided window is forgotten and not
// loaded again for a late report, and a reloaded organisation starts the tally afresh.
#include "daemon/jobs/ledger_tally.h"

#include <gtest/gtest.h>

#include "daemon/store/alert_repository.h"
#include "daemon/store/ledger_repository.h"
#include "tests/jobs/sweep_fixture.h"

namespace pingan::jobs {
namespace {

using namespace std::chrono_literals;
using testing::Local;

class LedgerTallyTest : public testing::SweepTest {
 protected:
  LedgerTallyTest() : SweepTest(/*raise_late_alert=*/false, /*with_tally=*/true) {
    Sweep(Local(1, 9h));  // the first run only records where the sweep starts
  }
  bool Missing(const std::string& school) {
    return store::AlertRepository(db_).FindMissing(school, "daily", "2026-10-01").has_value();
  }
};

TEST_F(LedgerTallyTest, ARolledBackReportNeverCountsAsReported) {
  Store("a", 1, Local(1, 10h));  // the window is now loaded and kept
  ASSERT_TRUE(tally_.windows().Knows("daily", "2026-10-01"));
  Store("b", 1, Local(1, 11h), core::ReportKind::kAllClear, /*commit=*/false);
  EXPECT_FALSE(tally_.windows().Has("daily", "2026-10-01", *schedules_.Get()->tree.Find("b")));

  const SweepOutcome out = Sweep(Local(1, 16h + 31min));
  EXPECT_EQ(out.missing, 2);  // b and c; d is paused
  EXPECT_FALSE(Missing("a"));
  EXPECT_TRUE(Missing("b"));
  EXPECT_TRUE(Missing("c"));
}

TEST_F(LedgerTallyTest, ARolledBackFirstReportLeavesTheWindowToTheLedger) {
  Store("b", 1, Local(1, 11h), core::ReportKind::kAllClear, /*commit=*/false);
  EXPECT_FALSE(tally_.windows().Knows("daily", "2026-10-01"));
  Sweep(Local(1, 16h + 31min));
  EXPECT_TRUE(Missing("a"));
  EXPECT_TRUE(Missing("b"));
}

TEST_F(LedgerTallyTest, ARowWrittenBehindTheTallysBackGivesNoAlertAndIsCounted) {
  Store("a", 1, Local(1, 10h));
  store::LedgerRow row{"b",           "daily", "2026-10-01",  store::LedgerRowStatus::kOnTime,
                       Local(1, 16h), "",      Local(1, 12h), core::Millis{0}};
  store::LedgerRepository(db_).RecordReceived(row, Local(1, 12h));  // not through the recorder

  const SweepOutcome out = Sweep(Local(1, 16h + 31min));
  EXPECT_EQ(out.recorded_already, 1);
  EXPECT_EQ(out.missing, 1);  // c only
  EXPECT_FALSE(Missing("b"));
  EXPECT_TRUE(Missing("c"));
  EXPECT_EQ(Row("b", "2026-10-01")->status, store::LedgerRowStatus::kOnTime);
}

TEST_F(LedgerTallyTest, ADecidedWindowIsForgottenAndALateReportDoesNotLoadItAgain) {
  Store("a", 1, Local(1, 10h));
  Sweep(Local(1, 16h + 31min));
  EXPECT_FALSE(tally_.windows().Knows("daily", "2026-10-01"));
  Store("c", 1, Local(1, 17h));  // late: resolves its missing alert
  EXPECT_FALSE(tally_.windows().Knows("daily", "2026-10-01"));
  EXPECT_EQ(Row("c", "2026-10-01")->status, store::LedgerRowStatus::kLate);
  // The next day's window is loaded by its first report as usual.
  Store("a", 2, Local(2, 10h));
  EXPECT_TRUE(tally_.windows().Knows("daily", "2026-10-02"));
}

TEST_F(LedgerTallyTest, AReloadedOrganisationStartsTheTallyAfresh) {
  Store("a", 1, Local(1, 10h));
  schedules_.Set(testing::HolidaySchedule());  // a reload: another tree, same schools
  Store("b", 1, Local(1, 11h));
  EXPECT_TRUE(tally_.windows().Knows("daily", "2026-10-01"));  // loaded for the new tree
  EXPECT_EQ(tally_.windows().tree(), &schedules_.Get()->tree);
  const SweepOutcome out = Sweep(Local(1, 16h + 31min));
  EXPECT_EQ(out.missing, 1);
  EXPECT_FALSE(Missing("a"));
  EXPECT_FALSE(Missing("b"));
  EXPECT_TRUE(Missing("c"));
}

}  // namespace
}  // namespace pingan::jobs

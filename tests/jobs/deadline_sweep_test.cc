#include "daemon/jobs/deadline_sweep.h"

#include <gtest/gtest.h>

#include "daemon/store/alert_repository.h"
#include "daemon/store/ledger_repository.h"
#include "daemon/store/outbox_repository.h"
#include "tests/jobs/sweep_fixture.h"

namespace pingan::jobs {
namespace {

using namespace std::chrono_literals;
using testing::Local;
using testing::SweepTest;

// Every case twice: the missing read back from the ledger, and found in the LedgerTally
// the recorder keeps (the daemon's way): both must decide the same.
class DeadlineSweepTest : public SweepTest, public ::testing::WithParamInterface<bool> {
 protected:
  DeadlineSweepTest() : SweepTest(/*raise_late_alert=*/false, /*with_tally=*/GetParam()) {}
};

TEST_P(DeadlineSweepTest, FirstRunOnlyRecordsWhereTheSweepStarts) {
  const SweepOutcome first = Sweep(Local(3, 20h));
  EXPECT_TRUE(first.first_run);
  EXPECT_EQ(first.windows, 0) << "a new installation owes nothing for earlier days";
  EXPECT_EQ(Sweep(Local(3, 21h)).windows, 0);
}

TEST_P(DeadlineSweepTest, SilentSchoolsBecomeMissingOncePausedOnesExcused) {
  Sweep(Local(1, 8h));
  Store("a", 1, Local(1, 9h));
  Store("c", 1, Local(1, 16h + 20min));  // inside the grace period: on time
  EXPECT_EQ(Sweep(Local(1, 16h + 29min)).windows, 0) << "grace has not ended yet";

  const SweepOutcome at_grace_end = Sweep(Local(1, 16h + 30min));
  EXPECT_EQ(at_grace_end.windows, 1);
  EXPECT_EQ(at_grace_end.missing, 1);
  EXPECT_EQ(at_grace_end.excused, 1);
  ASSERT_EQ(at_grace_end.new_alert_ids.size(), 1u);
  EXPECT_EQ(Row("b", "2026-10-01")->status, store::LedgerRowStatus::kMissing);
  EXPECT_EQ(Row("c", "2026-10-01")->status, store::LedgerRowStatus::kOnTime);
  EXPECT_EQ(Row("d", "2026-10-01")->status, store::LedgerRowStatus::kExcused);

  auto alert = store::AlertRepository(db_).FindMissing("b", "daily", "2026-10-01");
  ASSERT_TRUE(alert);
  EXPECT_EQ(alert->state, core::AlertState::kOpen);
  EXPECT_EQ(Sweep(Local(1, 17h)).missing, 0) << "each deadline fires exactly once";
}

TEST_P(DeadlineSweepTest, LateReportIsRecordedLateAndResolvesTheMissingAlert) {
  Sweep(Local(1, 8h));
  Sweep(Local(1, 17h));
  Store("b", 1, Local(1, 18h));
  const auto row = Row("b", "2026-10-01");
  ASSERT_TRUE(row);
  EXPECT_EQ(row->status, store::LedgerRowStatus::kLate);
  EXPECT_EQ(row->lateness, 2h) << "lateness counts from the deadline";
  auto alert = store::AlertRepository(db_).FindMissing("b", "daily", "2026-10-01");
  ASSERT_TRUE(alert);
  EXPECT_EQ(alert->state, core::AlertState::kResolved);
  EXPECT_EQ(alert->resolve_reason, core::ResolveReason::kLateReportReceived);
  EXPECT_FALSE(alert->timeline.empty());
}

TEST_P(DeadlineSweepTest, IncidentSatisfiesTheDaysAllClearAndOpensAnIncidentAlert) {
  Sweep(Local(2, 8h));
  Store("a", 2, Local(2, 10h), core::ReportKind::kIncident);
  Sweep(Local(2, 17h));
  EXPECT_EQ(Row("a", "2026-10-02")->status, store::LedgerRowStatus::kOnTime);
  store::AlertFilter filter;
  filter.kind = core::AlertKind::kIncident;
  auto incidents = store::AlertRepository(db_).List(filter);
  ASSERT_EQ(incidents.size(), 1u);
  EXPECT_EQ(incidents[0].school_id, "a");
}

TEST_P(DeadlineSweepTest, CatchUpAfterDowntimeDecidesEveryPassedDeadlineOnce) {
  Sweep(Local(1, 8h));
  // Down from day 1 morning to day 4 evening: three and a half days of deadlines.
  const SweepOutcome catch_up = Sweep(Local(4, 20h));
  EXPECT_EQ(catch_up.windows, 4);
  EXPECT_EQ(catch_up.missing, 4 * 3);
  EXPECT_EQ(Sweep(Local(4, 21h)).windows, 0);
  EXPECT_EQ(store::LedgerRepository(db_).WithStatus(store::LedgerRowStatus::kMissing, 100).size(),
            12u);
}

TEST_P(DeadlineSweepTest, RemindersGoToDutyContactsOfSchoolsThatHaveNotReported) {
  Sweep(Local(1, 8h));
  Store("a", 1, Local(1, 9h));
  const SweepOutcome reminded = Sweep(Local(1, 15h));
  EXPECT_EQ(reminded.reminders, 2) << "b and c; a reported, d is paused";
  store::OutboxRepository outbox(db_);
  const auto rows = outbox.List(core::OutboxStatus::kPending, 10);
  ASSERT_EQ(rows.size(), 2u);
  for (const auto& row : rows) {
    EXPECT_EQ(row.message, core::MessageKind::kDueSoon);
    EXPECT_EQ(core::CurrentChannel(row), core::ChannelKind::kSms);
    EXPECT_EQ(row.window_id, "2026-10-01");
  }
  EXPECT_EQ(Sweep(Local(1, 15h + 10min)).reminders, 0) << "one reminder per window";
}

TEST_P(DeadlineSweepTest, RemindersGoOverTheConfiguredChannelsTheContactsHave) {
  Sweep(Local(1, 8h));
  // The duty contacts have phones only: an e-mail-only preference reaches nobody.
  SweepOutcome none =
      SweepDeadlines(db_, *schedules_.Get(), Local(1, 15h), {core::ChannelKind::kEmail});
  EXPECT_EQ(none.reminders, 0);
  EXPECT_EQ(none.schools_without_contact, 3) << "a, b and c; d is paused";
  EXPECT_TRUE(store::OutboxRepository(db_).List(std::nullopt, 10).empty());
}

TEST_P(DeadlineSweepTest, RemindersFallBackInTheConfiguredOrder) {
  Sweep(Local(1, 8h));
  const SweepOutcome reminded = SweepDeadlines(
      db_, *schedules_.Get(), Local(1, 15h), {core::ChannelKind::kEmail, core::ChannelKind::kSms});
  EXPECT_EQ(reminded.reminders, 3);
  for (const auto& row : store::OutboxRepository(db_).List(std::nullopt, 10)) {
    EXPECT_EQ(row.channels, std::vector<core::ChannelKind>{core::ChannelKind::kSms})
        << "no e-mail address";
    EXPECT_EQ(row.school.name, row.school.id + "-name");
  }
}

INSTANTIATE_TEST_SUITE_P(LedgerReadBackOrTally, DeadlineSweepTest, ::testing::Bool(),
                         [](const auto& info) { return info.param ? "Tally" : "Ledger"; });

}  // namespace
}  // namespace pingan::jobs

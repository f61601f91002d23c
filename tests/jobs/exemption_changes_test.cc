#include "daemon/jobs/exemption_changes.h"

#include <gtest/gtest.h>

#include "daemon/store/alert_repository.h"
#include "daemon/store/audit_log.h"
#include "daemon/store/exemption_repository.h"
#include "daemon/store/ledger_repository.h"
#include "daemon/store/outbox_repository.h"
#include "tests/jobs/sweep_fixture.h"

namespace pingan::jobs {
namespace {

using namespace std::chrono_literals;
using testing::Local;

core::Exemption Closure(std::string id, int first, int last, std::string scope,
                        std::vector<std::string> requirements = {}) {
  core::Exemption e;
  e.id = std::move(id);
  e.first = date::year{2026} / 10 / static_cast<unsigned>(first);
  e.last = date::year{2026} / 10 / static_cast<unsigned>(last);
  e.scope_unit_id = std::move(scope);
  e.requirement_ids = std::move(requirements);
  e.reason = "台风停课";
  e.created_by = "duty";
  e.created_at = Local(first, 8h);
  return e;
}

class ExemptionTest : public testing::SweepTest {
 protected:
  void Create(const core::Exemption& e) { last_ = CreateExemption(db_, *schedules_.Get(), e); }
  std::optional<core::Alert> MissingAlert(const std::string& school, const std::string& window) {
    return store::AlertRepository(db_).FindMissing(school, "daily", window);
  }
  std::vector<core::Alert> LateAlerts() {
    store::AlertFilter filter;
    filter.kind = core::AlertKind::kLate;
    return store::AlertRepository(db_).List(filter);
  }
  ExemptionApplied last_;
};

TEST_F(ExemptionTest, ExcusedSchoolsGetNoReminderAndNoMissingAlert) {
  Sweep(Local(2, 8h));
  Create(Closure("ex-1", 2, 3, "b"));
  EXPECT_EQ(Sweep(Local(2, 15h)).reminders, 2) << "a and c; b is excused, d paused";
  const SweepOutcome decided = Sweep(Local(2, 17h));
  EXPECT_EQ(decided.missing, 2);
  EXPECT_EQ(decided.excused, 2) << "b (exempted) and d (paused)";
  EXPECT_EQ(Row("b", "2026-10-02")->status, store::LedgerRowStatus::kExcused);
  EXPECT_FALSE(MissingAlert("b", "2026-10-02"));
  EXPECT_TRUE(MissingAlert("a", "2026-10-02"));
  // The day after the range is owed again.
  Sweep(Local(4, 17h));
  EXPECT_EQ(Row("b", "2026-10-03")->status, store::LedgerRowStatus::kExcused);
  EXPECT_EQ(Row("b", "2026-10-04")->status, store::LedgerRowStatus::kMissing);
}

// A closure is often declared after the morning's deadline: the decided missing rows it
// covers become excused and their alerts are resolved, with the exemption named.
TEST_F(ExemptionTest, AnExemptionMadeAfterTheSweepExcusesWhatItCovers) {
  Sweep(Local(1, 8h));
  Sweep(Local(2, 17h));  // days 1 and 2 decided: a, b, c missing on both
  Create(Closure("ex-2", 2, 2, "district"));
  EXPECT_TRUE(last_.stored);
  EXPECT_EQ(last_.excused_rows, 3);
  EXPECT_EQ(last_.resolved_alert_ids.size(), 3u);
  for (const char* school : {"a", "b", "c"}) {
    EXPECT_EQ(Row(school, "2026-10-02")->status, store::LedgerRowStatus::kExcused) << school;
    EXPECT_EQ(Row(school, "2026-10-01")->status, store::LedgerRowStatus::kMissing) << school;
    const auto alert = MissingAlert(school, "2026-10-02");
    ASSERT_TRUE(alert);
    EXPECT_EQ(alert->state, core::AlertState::kResolved);
    EXPECT_EQ(alert->resolve_reason, core::ResolveReason::kExcused);
    EXPECT_EQ(MissingAlert(school, "2026-10-01")->state, core::AlertState::kOpen);
  }
  const auto audit = store::RecentAudit(db_, 1);
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0].action, "exemption.create");
  EXPECT_EQ(audit[0].actor, "user:duty");
  EXPECT_EQ(audit[0].object, "ex-2");
  EXPECT_EQ(audit[0].detail.find("台风"), std::string::npos) << "the reason stays on the row";
  // Storing it again (a retried job) changes nothing.
  Create(Closure("ex-2", 2, 2, "district"));
  EXPECT_FALSE(last_.stored);
}

TEST_F(ExemptionTest, ReceivedReportsAndOtherRequirementsStayAsRecorded) {
  Sweep(Local(2, 8h));
  Store("a", 2, Local(2, 9h));
  Sweep(Local(2, 17h));
  Create(Closure("ex-3", 2, 2, "district", {"daily"}));
  EXPECT_EQ(Row("a", "2026-10-02")->status, store::LedgerRowStatus::kOnTime);
  Create(Closure("ex-4", 1, 3, "district", {"daily"}));
  EXPECT_EQ(last_.excused_rows, 0) << "day 2 already excused, day 3 not decided";
}

TEST_F(ExemptionTest, AWithdrawalRewritesNothingDecidedAndOwesTheRestAgain) {
  Sweep(Local(2, 8h));
  Create(Closure("ex-5", 2, 3, "b"));
  Sweep(Local(2, 17h));
  ASSERT_TRUE(WithdrawExemption(db_, "ex-5", "duty", Local(2, 18h)));
  EXPECT_FALSE(WithdrawExemption(db_, "ex-5", "duty", Local(2, 18h))) << "already withdrawn";
  EXPECT_FALSE(WithdrawExemption(db_, "nope", "duty", Local(2, 18h)));
  Sweep(Local(3, 17h));
  EXPECT_EQ(Row("b", "2026-10-02")->status, store::LedgerRowStatus::kExcused);
  EXPECT_EQ(Row("b", "2026-10-03")->status, store::LedgerRowStatus::kMissing);
  const auto e = store::ExemptionRepository(db_).Find("ex-5");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->withdrawn_by, "duty");
  EXPECT_EQ(store::RecentAudit(db_, 1)[0].action, "exemption.withdraw");
}

class LateAlertTest : public ExemptionTest {
 protected:
  LateAlertTest() : ExemptionTest() {
    schedules_.Set(testing::HolidaySchedule(/*raise_late_alert=*/true));
  }
};

TEST_F(LateAlertTest, AReportAfterGraceEndRaisesOneLateAlert) {
  Sweep(Local(1, 8h));
  Store("a", 1, Local(1, 16h + 20min));  // in grace: on time, no alert
  Sweep(Local(1, 17h));
  Store("b", 1, Local(1, 18h));
  Store("b", 1, Local(1, 18h + 5min));  // a repeat: nothing more
  const auto late = LateAlerts();
  ASSERT_EQ(late.size(), 1u);
  EXPECT_EQ(late[0].school_id, "b");
  EXPECT_EQ(late[0].window_id, "2026-10-01");
  EXPECT_EQ(late[0].state, core::AlertState::kOpen);
  EXPECT_FALSE(late[0].report_id.empty());
  const auto missing = MissingAlert("b", "2026-10-01");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->resolve_reason, core::ResolveReason::kLateReportReceived);
  // The late alert is the record of the lateness, naming the alert it follows.
  EXPECT_EQ(late[0].timeline[0].comment, "report " + late[0].report_id +
                                             ", 120 min after the deadline; resolves missing "
                                             "alert " +
                                             missing->id);
}

TEST_F(LateAlertTest, NoLateAlertForAnExcusedWindowOrWhenTheRequirementDoesNotAsk) {
  Sweep(Local(1, 8h));
  Create(Closure("ex-6", 1, 1, "b"));
  Sweep(Local(1, 17h));
  Store("b", 1, Local(1, 18h));
  EXPECT_TRUE(LateAlerts().empty()) << "b owed nothing";
  EXPECT_EQ(Row("b", "2026-10-01")->status, store::LedgerRowStatus::kExcused);
  schedules_.Set(testing::HolidaySchedule(/*raise_late_alert=*/false));
  Store("c", 1, Local(1, 18h));
  EXPECT_TRUE(LateAlerts().empty());
  EXPECT_EQ(Row("c", "2026-10-01")->status, store::LedgerRowStatus::kLate);
}

}  // namespace
}  // namespace pingan::jobs

#include "daemon/jobs/escalation_runner.h"

#include <gtest/gtest.h>

#include <map>

#include "daemon/store/outbox_codec.h"
#include "daemon/store/report_repository.h"
#include "tests/fakes/temp_dir.h"
#include "tests/services/escalation_support.h"

namespace pingan::jobs {
namespace {

using namespace std::chrono_literals;
using testing::At;
using testing::School;

class RunnerTest : public ::testing::Test {
 protected:
  RunnerTest() : db_(dir_.File("pingan.db")), bundle_(testing::MakeDistrict(37)) {}

  EscalationRunOutcome Run(core::Instant now) {
    return RunEscalation(db_, bundle_.get(), *setup_, now);
  }
  core::Alert Alert(const std::string& id) { return *store::AlertRepository(db_).Find(id); }
  void Save(const core::AlertResult& result) {
    store::AlertRepository(db_).Save(std::get<core::Alert>(result));
  }
  std::vector<core::OutboxRow> RowsFor(const std::string& recipient) {
    std::vector<core::OutboxRow> out;
    for (auto& r : testing::AllRows(db_)) {
      if (testing::RecipientName(r) == recipient) out.push_back(r);
    }
    return out;
  }

  testing::TempDir dir_;
  store::Database db_;
  config::SharedSchedule bundle_;
  std::shared_ptr<config::EscalationSetup> setup_ = testing::MakeSetup();
};

TEST_F(RunnerTest, NewAlertsStartEscalatingAtOnce) {
  const auto ids = testing::InsertMissing(db_, 3, At(1, 10, 30));
  const EscalationRunOutcome first = Run(At(1, 10, 30) + 1s);
  EXPECT_EQ(first.advanced, 3);
  const auto rows = testing::AllRows(db_);
  ASSERT_EQ(rows.size(), 3u) << "one e-mail per school duty contact";
  for (int i = 1; i <= 3; ++i) {
    const auto mine = RowsFor("总务处" + std::to_string(i));
    ASSERT_EQ(mine.size(), 1u);
    EXPECT_EQ(testing::Channel(mine[0]), "email");
    EXPECT_EQ(core::AlertIds(mine[0]), std::vector<std::string>{ids[i - 1]});
  }
  EXPECT_EQ(Alert(ids[0]).escalation.next_step_at, At(1, 11, 30));
  // Nothing else is due until the second step.
  EXPECT_EQ(Run(At(1, 11, 29)).advanced, 0);
  EXPECT_EQ(testing::AllRows(db_).size(), 3u);
}

TEST_F(RunnerTest, ThirtySevenSchoolsGiveTheDistrictOneMessageAndKeepTheirOwnAlerts) {
  const auto ids = testing::InsertMissing(db_, 37, At(1, 10, 30));
  Run(At(1, 10, 30));
  const EscalationRunOutcome second = Run(At(1, 11, 31));
  EXPECT_EQ(second.advanced, 37);
  EXPECT_EQ(second.notifications, 37);
  EXPECT_EQ(second.queued, 1);
  const auto district = RowsFor("区值班室");
  ASSERT_EQ(district.size(), 1u) << "one message for the whole deadline";
  EXPECT_EQ(testing::AlertCount(district[0]), 37u);
  EXPECT_EQ(testing::Channel(district[0]), "sms");
  EXPECT_EQ(testing::Channels(district[0]), (std::vector<std::string>{"sms", "email"}));
  // The text names the count and the first schools, in both renderings.
  const core::RenderedMessage text = testing::Render(district[0], bundle_->tree);
  EXPECT_NE(text.sms.find("37"), std::string::npos) << text.sms;
  EXPECT_NE(text.sms.find("第1小学"), std::string::npos) << text.sms;
  EXPECT_EQ(text.sms.find("第37小学"), std::string::npos) << "only the first few names";
  EXPECT_NE(text.email.body.find("第30小学"), std::string::npos) << "e-mail lists 30";
  EXPECT_NE(text.email.body.find("另有 7 所"), std::string::npos) << text.email.body;
  // Each school still has its own alert, each remembering the district was told.
  for (const std::string& id : ids) {
    const core::Alert a = Alert(id);
    ASSERT_EQ(a.notified.size(), 2u) << id;
    EXPECT_EQ(a.notified[1].recipient.name, "区值班室");
  }
}

TEST_F(RunnerTest, AcknowledgeStopsEscalationAndItsTimeoutReopensIt) {
  const auto ids = testing::InsertMissing(db_, 2, At(1, 10, 30));
  Run(At(1, 10, 30));
  Save(core::Acknowledge(Alert(ids[0]), "王五", "calling the school", At(1, 10, 45), 2h));
  Run(At(1, 11, 31));
  const auto district = RowsFor("区值班室");
  ASSERT_EQ(district.size(), 1u);
  EXPECT_EQ(core::AlertIds(district[0]), std::vector<std::string>{ids[1]})
      << "the acknowledged alert did not climb";
  // The acknowledgement lapses at 12:45: escalation continues with the pending step.
  EXPECT_EQ(Run(At(1, 12, 44)).advanced, 0);
  Run(At(1, 12, 46));
  const core::Alert reopened = Alert(ids[0]);
  EXPECT_EQ(reopened.state, core::AlertState::kOpen);
  EXPECT_TRUE(testing::HasEntry(reopened, "ack_timeout"));
  const auto after = RowsFor("区值班室");
  ASSERT_EQ(after.size(), 2u);
  EXPECT_EQ(after[1].message, core::MessageKind::kReopened);
  EXPECT_EQ(core::AlertIds(after[1]), std::vector<std::string>{ids[0]});
}

TEST_F(RunnerTest, ALateReportTellsEveryoneAlreadyNotifiedOnce) {
  const auto ids = testing::InsertMissing(db_, 1, At(1, 10, 30));
  Run(At(1, 10, 30));
  Run(At(1, 11, 30));  // school and district told
  ASSERT_EQ(testing::DeliverDue(db_, At(1, 11, 31)), 2u);
  Save(core::ResolveByLateReport(Alert(ids[0]), "report-1", At(1, 12, 0)));
  EXPECT_TRUE(store::ResolutionNoticesOwed(Alert(ids[0])));
  const EscalationRunOutcome outcome = Run(At(1, 12, 0) + 1s);
  EXPECT_EQ(outcome.resolution_notices, 2);
  std::map<std::string, std::string> resolved;  // recipient -> channel
  for (const auto& r : testing::AllRows(db_)) {
    if (r.message == core::MessageKind::kResolved) {
      resolved[testing::RecipientName(r)] = testing::Channel(r);
    }
  }
  EXPECT_EQ(resolved,
            (std::map<std::string, std::string>{{"总务处1", "email"}, {"区值班室", "sms"}}));
  const core::Alert a = Alert(ids[0]);
  EXPECT_FALSE(store::ResolutionNoticesOwed(a));
  EXPECT_EQ(a.timeline.back().what, "notified");
  EXPECT_FALSE(store::EscalationWakeup(a).has_value());
  EXPECT_EQ(Run(At(1, 13, 0)).queued, 0) << "told once";
}

// The school was told; the district's message was still queued when the alert was
// resolved: it is cancelled, and only the school hears that it is over.
TEST_F(RunnerTest, AResolvedAlertsQueuedMessagesAreCancelledAndOnlyThoseReachedHearOfIt) {
  const auto ids = testing::InsertMissing(db_, 1, At(1, 10, 30));
  Run(At(1, 10, 30));
  ASSERT_EQ(testing::DeliverDue(db_, At(1, 10, 31)), 1u);
  Run(At(1, 11, 30));  // the district's SMS is queued, not yet sent
  Save(core::ResolveByLateReport(Alert(ids[0]), "report-1", At(1, 11, 31)));
  const EscalationRunOutcome outcome = Run(At(1, 11, 31));
  EXPECT_EQ(outcome.resolution_notices, 1);
  const auto district = RowsFor("区值班室");
  ASSERT_EQ(district.size(), 1u) << "no resolved notice for someone never told";
  EXPECT_EQ(district[0].status, core::OutboxStatus::kCancelled);
  EXPECT_NE(district[0].last_error.find("resolved"), std::string::npos);
  const auto school = RowsFor("总务处1");
  ASSERT_EQ(school.size(), 2u);
  EXPECT_EQ(school[1].message, core::MessageKind::kResolved);
  EXPECT_TRUE(store::OutboxRepository(db_).LeaseDue(At(1, 12, 0), 1min, 100).size() == 1u)
      << "only the resolved notice is left to send";
}

// A message naming 3 schools of which one reported late: the two others still go out,
// and the late school is no longer named.
TEST_F(RunnerTest, AGroupedMessageLeavesOutTheResolvedAlertAndStillGoes) {
  const auto ids = testing::InsertMissing(db_, 3, At(1, 10, 30));
  Run(At(1, 10, 30));
  testing::DeliverDue(db_, At(1, 10, 31));
  Run(At(1, 11, 30));  // one SMS to the district naming 3 schools
  store::OutboxRepository outbox(db_);
  EXPECT_EQ(outbox.WithdrawFor(ids[1]), 1);
  EXPECT_EQ(outbox.WithdrawFor(ids[1]), 0) << "idempotent";
  const auto district = RowsFor("区值班室");
  ASSERT_EQ(district.size(), 1u);
  EXPECT_EQ(district[0].status, core::OutboxStatus::kPending);
  EXPECT_EQ(core::AlertIds(district[0]), (std::vector<std::string>{ids[0], ids[2]}));
  const core::RenderedMessage text = testing::Render(district[0], bundle_->tree);
  EXPECT_EQ(text.sms.find("第2小学"), std::string::npos) << text.sms;
  EXPECT_TRUE(
      outbox.ReachedAbout(ids[1]).contains(core::RecipientKey(RowsFor("总务处2")[0].recipient)));
  EXPECT_TRUE(outbox.ReachedAbout(ids[0]).size() == 1u) << "the queued SMS has reached no one";
}

TEST_F(RunnerTest, ResolvingAnAlertNobodyWasToldAboutSendsNothing) {
  const auto ids = testing::InsertMissing(db_, 1, At(1, 10, 30));
  Save(core::Resolve(Alert(ids[0]), core::ResolveReason::kFalseAlarm, "王五", "holiday",
                     At(1, 10, 31)));
  EXPECT_FALSE(store::EscalationWakeup(Alert(ids[0])).has_value());
  EXPECT_EQ(Run(At(1, 12, 0)).queued, 0);
  EXPECT_TRUE(testing::AllRows(db_).empty());
}

TEST_F(RunnerTest, AGroupingWindowHoldsNotificationsDurablyThenMergesThem) {
  setup_->settings.grouping.window = 5min;
  testing::InsertMissing(db_, 2, At(1, 10, 30));
  Run(At(1, 10, 30));  // step 1 for s01, s02 (different recipients)
  // A third school's alert comes two minutes later, with the same window.
  {
    store::AlertRepository alerts(db_);
    alerts.Insert(core::NewMissingAlert("late-one", School(3), "daily", "w1", At(1, 10, 32)));
  }
  Run(At(1, 10, 32));
  EXPECT_TRUE(testing::AllRows(db_).empty()) << "held for the window";
  EXPECT_EQ(store::OutboxRepository(db_).Held().size(), 3u);
  Run(At(1, 10, 35));  // the first group's window ends; the third one's not yet
  EXPECT_EQ(testing::AllRows(db_).size(), 2u);
  Run(At(1, 10, 37));
  EXPECT_EQ(testing::AllRows(db_).size(), 3u);
  EXPECT_TRUE(store::OutboxRepository(db_).Held().empty());
  // Step 2 of the first two (11:30) and the third (11:32) merge for the district.
  Run(At(1, 11, 30));
  Run(At(1, 11, 33));
  EXPECT_TRUE(RowsFor("区值班室").empty());
  Run(At(1, 11, 35));
  const auto district = RowsFor("区值班室");
  ASSERT_EQ(district.size(), 1u);
  EXPECT_EQ(testing::AlertCount(district[0]), 3u);
}

TEST_F(RunnerTest, AnIncidentMessageCarriesCategoryAndCountsButNeverTheSummary) {
  setup_->settings.policies.policies[0].kinds.push_back(core::AlertKind::kIncident);
  core::Report r;
  r.report_id = "0191e6a0-0000-7000-8000-0000000000aa";
  r.school_id = School(1);
  r.kind = core::ReportKind::kIncident;
  r.covers = date::year{2026} / 10 / 1;
  r.incident = core::Incident{};
  r.incident->category = core::IncidentCategory::kFoodSafety;
  r.incident->severity = core::Severity::kIII;
  r.incident->injured = 12;
  r.incident->missing = 1;
  r.incident->summary = "午餐后十二名学生腹痛, 家长王某";
  store::ReportRepository(db_, 24h).Insert({r, At(1, 12, 0)});
  store::AlertRepository(db_).Insert(
      std::get<core::Alert>(core::NewIncidentAlert("inc-1", r, At(1, 12, 0))));
  Run(At(1, 12, 0));
  const auto rows = RowsFor("总务处1");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].incident, (core::IncidentFacts{core::IncidentCategory::kFoodSafety, 12, 0, 1}));
  const core::RenderedMessage text = testing::Render(rows[0], bundle_->tree);
  EXPECT_NE(text.email.subject.find("食品安全 (III 级, 较大), 伤 12 人, 亡 0 人, 失踪 1 人"),
            std::string::npos)
      << text.email.subject;
  const std::string stored = store::EncodeOutboxMessage(rows[0]).payload_json;
  EXPECT_EQ(stored.find("腹痛"), std::string::npos);
  EXPECT_EQ((text.sms + text.email.body + text.webhook.text).find("王某"), std::string::npos);
}

TEST_F(RunnerTest, WithoutAMatchingPolicyTheAlertStopsVisibly) {
  setup_->settings.policies.policies[0].kinds = {core::AlertKind::kIncident};
  const auto ids = testing::InsertMissing(db_, 1, At(1, 10, 30));
  const EscalationRunOutcome outcome = Run(At(1, 10, 30));
  ASSERT_EQ(outcome.warnings.size(), 1u);
  EXPECT_NE(outcome.warnings[0].find("no escalation policy"), std::string::npos);
  EXPECT_TRUE(testing::HasEntry(Alert(ids[0]), "warning"));
  EXPECT_FALSE(store::EscalationWakeup(Alert(ids[0])).has_value()) << "not due forever";
  EXPECT_EQ(Run(At(1, 12, 0)).advanced, 0);
}

TEST_F(RunnerTest, TheBatchLimitAsksForAnotherRun) {
  setup_->settings.batch = 10;
  testing::InsertMissing(db_, 25, At(1, 10, 30));
  EXPECT_TRUE(Run(At(1, 10, 30)).more);
  EXPECT_TRUE(Run(At(1, 10, 30)).more);
  const EscalationRunOutcome last = Run(At(1, 10, 30));
  EXPECT_FALSE(last.more);
  EXPECT_EQ(last.advanced, 5);
  EXPECT_EQ(testing::AllRows(db_).size(), 25u);
}

TEST(EscalationUpgrade, AlertsFromBeforeTheRunnerStartEscalatingAfterMigration) {
  testing::TempDir dir;
  {
    // A database at schema 2 with an alert written as the sweep wrote it then.
    SQLite::Database raw(dir.File("pingan.db"), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    for (const store::Migration& m : store::Migrations()) {
      if (m.version <= 2) raw.exec(m.sql);
    }
    raw.exec("PRAGMA user_version=2");
    raw.exec(
        "INSERT INTO alerts (alert_id, kind, school_id, requirement_id, window_id, state, "
        "created_at_ms) VALUES ('old', 'missing', 's01', 'daily', 'w1', 'open', " +
        std::to_string(core::ToUnixMillis(At(1, 10, 30))) + ")");
  }
  store::Database db(dir.File("pingan.db"));
  EXPECT_EQ(db.schema_version(), store::LatestSchemaVersion());
  const auto due = store::AlertRepository(db).DueForEscalation(At(1, 10, 31), 10);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].id, "old");
  auto setup = testing::MakeSetup();
  config::SharedSchedule bundle = testing::MakeDistrict(1);
  EXPECT_EQ(RunEscalation(db, bundle.get(), *setup, At(1, 10, 31)).queued, 1);
}

TEST(PolicyPeriodKinds, TheOwedDayOfAWindowAndTheLocalDayOfAnIncident) {
  auto tree = core::OrgTree::Build(
      {core::Unit{"s1", "一小", core::UnitKind::kSchool, "", "", {}, false, ""}});
  core::Calendar cal;
  cal.name = "c";
  core::Period holiday{"",
                       "国庆",
                       core::PeriodKind::kPublicHoliday,
                       date::year{2026} / 10 / 1,
                       date::year{2026} / 10 / 7,
                       "",
                       "",
                       {}};
  core::Period event{"",
                     "活动",
                     core::PeriodKind::kMajorEvent,
                     date::year{2026} / 10 / 8,
                     date::year{2026} / 10 / 8,
                     "",
                     "",
                     {}};
  cal.periods = {holiday, event};
  auto bundle = std::get<config::SharedSchedule>(config::MakeScheduleBundle(
      std::get<core::OrgTree>(std::move(tree)), {cal}, {}, "Asia/Shanghai"));
  // 00:30 on the 8th in Shanghai (still the 7th in UTC): the 7th's report, missed now,
  // belongs to the holiday; an incident raised now to the event of the 8th.
  const core::Alert missing = core::NewMissingAlert("m", "s1", "daily", "2026-10-07", At(8, 0, 30));
  EXPECT_EQ(PolicyPeriodKinds(*bundle, missing), std::vector<std::string>{"public_holiday"});
  core::Alert incident = missing;
  incident.kind = core::AlertKind::kIncident;
  incident.window_id.clear();
  EXPECT_EQ(PolicyPeriodKinds(*bundle, incident), std::vector<std::string>{"major_event"});
  incident.school_id = "nobody";
  EXPECT_TRUE(PolicyPeriodKinds(*bundle, incident).empty());
}

}  // namespace
}  // namespace pingan::jobs

#include "daemon/services/alert_service.h"

#include <gtest/gtest.h>

#include "daemon/store/alert_repository.h"
#include "daemon/store/audit_log.h"
#include "tests/services/alert_fixture.h"

namespace pingan::services {
namespace {

using testing::At;

// The typed service over AlertFixture's three escalated missing alerts.
class AlertServiceTest : public AlertFixture {};

TEST_F(AlertServiceTest, ListsWithTypedFilters) {
  EXPECT_EQ(alerts_->List({}).size(), 3u);
  AlertQuery one;
  one.school_id = "s02";
  const auto found = alerts_->List(one);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].school_id, "s02");
  EXPECT_EQ(found[0].state, core::AlertState::kOpen);
  EXPECT_TRUE(alerts_->List(ParseAlertQuery("resolved", "")).empty());
  EXPECT_EQ(ControlErrorOf([] { ParseAlertQuery("closed", ""); }), "bad_request");
  EXPECT_EQ(ControlErrorOf([] { ParseAlertQuery("", "boring"); }), "bad_request");
}

// Lists show summaries: no query per alert for its timeline; Find still has it.
TEST_F(AlertServiceTest, ListsAndTheQueueCarrySummariesWithoutTimelines) {
  for (const core::Alert& a : alerts_->List({})) EXPECT_TRUE(a.timeline.empty()) << a.id;
  for (const core::Alert& a : alerts_->Queue().alerts) EXPECT_TRUE(a.timeline.empty()) << a.id;
  EXPECT_FALSE(alerts_->Find(ids_[0]).timeline.empty());
  store::AlertFilter all;  // the store's default: with timelines, for callers that Save
  store::Database db(dir_.File("pingan.db"), store::OpenMode::kReadOnly);
  for (const core::Alert& a : store::AlertRepository(db).List(all))
    EXPECT_FALSE(a.timeline.empty());
}

TEST_F(AlertServiceTest, ShowsTheAlertWithItsOutboxRows) {
  const AlertDetail d = alerts_->Show(ids_[0]);
  EXPECT_EQ(d.alert.id, ids_[0]);
  EXPECT_FALSE(d.alert.timeline.empty());
  ASSERT_EQ(d.alert.notified.size(), 1u);
  ASSERT_EQ(d.outbox.size(), 1u);
  EXPECT_EQ(d.outbox[0].status, core::OutboxStatus::kPending);
  EXPECT_EQ(ControlErrorOf([this] { alerts_->Show("nope"); }), "not_found");
}

TEST_F(AlertServiceTest, AcknowledgeIsCheckedAtOnceAndWrittenByTheWriter) {
  EXPECT_EQ(ControlErrorOf([this] { alerts_->Acknowledge({ids_[0], " ", "on it"}); }), "refused");
  EXPECT_EQ(ControlErrorOf([this] { alerts_->Acknowledge({"nope", "a", "b"}); }), "not_found");
  const AckResult r = alerts_->Acknowledge({ids_[0], "王五", "calling the school"});
  EXPECT_EQ(r.id, ids_[0]);
  EXPECT_EQ(r.ack_expires_at, At(1, 12, 30)) << "the policy's ack timeout";
  Flush();
  const core::Alert a = alerts_->Find(ids_[0]);
  EXPECT_EQ(a.state, core::AlertState::kAcknowledged);
  EXPECT_EQ(a.acknowledged_by, "王五");
  EXPECT_EQ(a.timeline.back().comment, "calling the school");
  EXPECT_EQ(ControlErrorOf([this] {
              alerts_->Acknowledge({ids_[0], "李四", "me too"});
            }),
            "refused");
  const store::AuditEntry last = LatestAudit();
  EXPECT_EQ(last.action, "alert.acknowledge");
  EXPECT_EQ(last.actor, "user:王五");
}

TEST_F(AlertServiceTest, AcknowledgeTakesNoCommentInOneTap) {
  alerts_->Acknowledge({ids_[0], "王五", ""});
  Flush();
  const core::Alert a = alerts_->Find(ids_[0]);
  EXPECT_EQ(a.state, core::AlertState::kAcknowledged);
  EXPECT_EQ(a.timeline.back().what, "acknowledged");
  EXPECT_EQ(a.timeline.back().comment, "");
}

TEST_F(AlertServiceTest, AcknowledgesSeveralWithOneCommentOnEachTimeline) {
  alerts_->Acknowledge({ids_[2], "李四", ""});
  Flush();
  const BulkAckResult r = alerts_->AcknowledgeEach(
      {{ids_[0], ids_[1], ids_[0], ids_[2], "nope"}, "王五", "13 所学校漏报，已逐一电话联系"});
  ASSERT_EQ(r.acknowledged.size(), 2u) << "a repeated id is taken once";
  EXPECT_EQ(r.acknowledged[0].id, ids_[0]);
  EXPECT_EQ(r.acknowledged[1].id, ids_[1]);
  ASSERT_EQ(r.refused.size(), 2u);
  EXPECT_EQ(r.refused[0].id, ids_[2]);
  EXPECT_EQ(r.refused[0].code, "refused") << "already taken by 李四";
  EXPECT_EQ(r.refused[1].code, "not_found");
  Flush();
  for (const std::string& id : {ids_[0], ids_[1]}) {
    const core::Alert a = alerts_->Find(id);
    EXPECT_EQ(a.acknowledged_by, "王五");
    EXPECT_EQ(a.timeline.back().comment, "13 所学校漏报，已逐一电话联系");
  }
  EXPECT_EQ(ControlErrorOf([this] { alerts_->AcknowledgeEach({{}, "王五", ""}); }), "bad_request");
  EXPECT_EQ(
      ControlErrorOf([this] {
        alerts_->AcknowledgeEach({std::vector<std::string>(kMaxBulkAck + 1, "x"), "王五", ""});
      }),
      "bad_request");
}

TEST_F(AlertServiceTest, TheQueueHoldsTheUnresolvedOpenOnesFirst) {
  alerts_->Acknowledge({ids_[0], "王五", ""});
  alerts_->Resolve({ids_[1], "王五", "school closed", core::ResolveReason::kFalseAlarm});
  Flush();
  const AlertQueue q = alerts_->Queue();
  EXPECT_EQ(q.now, clock_.Now());
  ASSERT_EQ(q.alerts.size(), 2u);
  EXPECT_EQ(q.alerts[0].id, ids_[2]);
  EXPECT_EQ(q.alerts[1].id, ids_[0]) << "taken: after the open one";
}

TEST_F(AlertServiceTest, ResolveAndComment) {
  EXPECT_EQ(ControlErrorOf([] { ParseResolveRequestReason("late_report_received"); }),
            "bad_request");
  ResolveRequest req{ids_[1], "王五", "school closed", ParseResolveRequestReason("false_alarm")};
  alerts_->Resolve(req);
  alerts_->Comment({ids_[2], "王五", "phoned"});
  Flush();
  const core::Alert resolved = alerts_->Find(ids_[1]);
  EXPECT_EQ(resolved.state, core::AlertState::kResolved);
  EXPECT_EQ(resolved.resolve_reason, core::ResolveReason::kFalseAlarm);
  EXPECT_EQ(alerts_->Find(ids_[2]).timeline.back().comment, "phoned");
  EXPECT_EQ(ControlErrorOf([this, &req] { alerts_->Resolve(req); }), "refused");
}

TEST_F(AlertServiceTest, ListsTheOutboxWithEveryStateCounted) {
  const OutboxListing all = alerts_->ListOutbox({});
  EXPECT_EQ(all.rows.size(), 3u);
  ASSERT_EQ(all.counts.size(), 5u);
  EXPECT_EQ(all.counts.at(core::OutboxStatus::kCancelled), 0);
  EXPECT_EQ(all.counts.at(core::OutboxStatus::kPending), 3);
  EXPECT_EQ(all.counts.at(core::OutboxStatus::kFailed), 0);
  EXPECT_TRUE(alerts_->ListOutbox(ParseOutboxQuery("failed", 10)).rows.empty());
  EXPECT_EQ(ControlErrorOf([] { ParseOutboxQuery("lost", 10); }), "bad_request");
}

}  // namespace
}  // namespace pingan::services

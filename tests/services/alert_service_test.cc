#include "daemon/services/alert_service.h"

#include <gtest/gtest.h>

#include "daemon/jobs/escalation_runner.h"
#include "daemon/services/control_server.h"
#include "daemon/store/audit_log.h"
#include "daemon/store/database.h"
#include "tests/fakes/drain_writer.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/temp_dir.h"
#include "tests/services/escalation_support.h"

namespace pingan::services {
namespace {

using testing::At;

// The typed service on a real database in a temp dir and a fake clock: three missing
// alerts, each escalated once (one email queued).
class AlertServiceTest : public ::testing::Test {
 protected:
  AlertServiceTest() : clock_(At(1, 10, 30)) {
    store::StoreWriterOptions options;
    options.database_path = dir_.File("pingan.db");
    writer_ = std::make_unique<store::StoreWriter>(options, [](auto) {});
    schedules_.Set(testing::MakeDistrict(3));
    {
      store::Database db(options.database_path);
      ids_ = testing::InsertMissing(db, 3, At(1, 10, 30));
      jobs::RunEscalation(db, schedules_.Get().get(), *setup_, At(1, 10, 30));
    }
    service_ = std::make_unique<AlertService>(
        AlertCommandContext{clock_, options.database_path, *writer_, schedules_, setup_});
  }
  void Flush() { pingan::testing::DrainWriter(*writer_); }
  std::string ErrorOf(const std::function<void()>& call) {
    try {
      call();
    } catch (const ControlError& e) {
      return e.code;
    }
    return "";
  }

  testing::TempDir dir_;
  testing::FakeClock clock_;
  std::unique_ptr<store::StoreWriter> writer_;
  config::ScheduleSource schedules_;
  std::shared_ptr<config::EscalationSetup> setup_ = testing::MakeSetup();
  std::unique_ptr<AlertService> service_;
  std::vector<std::string> ids_;
};

TEST_F(AlertServiceTest, ListsWithTypedFilters) {
  EXPECT_EQ(service_->List({}).size(), 3u);
  AlertQuery one;
  one.school_id = "s02";
  const auto found = service_->List(one);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].school_id, "s02");
  EXPECT_EQ(found[0].state, core::AlertState::kOpen);
  EXPECT_TRUE(service_->List(ParseAlertQuery("resolved", "")).empty());
  EXPECT_EQ(ErrorOf([] { ParseAlertQuery("closed", ""); }), "bad_request");
  EXPECT_EQ(ErrorOf([] { ParseAlertQuery("", "boring"); }), "bad_request");
}

TEST_F(AlertServiceTest, ShowsTheAlertWithItsOutboxRows) {
  const AlertDetail d = service_->Show(ids_[0]);
  EXPECT_EQ(d.alert.id, ids_[0]);
  EXPECT_FALSE(d.alert.timeline.empty());
  ASSERT_EQ(d.alert.notified.size(), 1u);
  ASSERT_EQ(d.outbox.size(), 1u);
  EXPECT_EQ(d.outbox[0].status, core::OutboxStatus::kPending);
  EXPECT_EQ(ErrorOf([this] { service_->Show("nope"); }), "not_found");
}

TEST_F(AlertServiceTest, AcknowledgeIsCheckedAtOnceAndWrittenByTheWriter) {
  EXPECT_EQ(ErrorOf([this] { service_->Acknowledge({ids_[0], "王五", "  "}); }), "refused");
  EXPECT_EQ(ErrorOf([this] { service_->Acknowledge({"nope", "a", "b"}); }), "not_found");
  const AckResult r = service_->Acknowledge({ids_[0], "王五", "calling the school"});
  EXPECT_EQ(r.id, ids_[0]);
  EXPECT_EQ(r.ack_expires_at, At(1, 12, 30)) << "the policy's ack timeout";
  Flush();
  const core::Alert a = service_->Find(ids_[0]);
  EXPECT_EQ(a.state, core::AlertState::kAcknowledged);
  EXPECT_EQ(a.acknowledged_by, "王五");
  EXPECT_EQ(a.timeline.back().comment, "calling the school");
  EXPECT_EQ(ErrorOf([this] { service_->Acknowledge({ids_[0], "李四", "me too"}); }), "refused");
  store::Database db(dir_.File("pingan.db"), store::OpenMode::kReadOnly);
  const auto audit = store::RecentAudit(db.sql(), 10);
  ASSERT_FALSE(audit.empty());
  EXPECT_EQ(audit[0].action, "alert.acknowledge");
  EXPECT_EQ(audit[0].actor, "user:王五");
}

TEST_F(AlertServiceTest, ResolveAndComment) {
  EXPECT_EQ(ErrorOf([] { ParseResolveRequestReason("late_report_received"); }), "bad_request");
  ResolveRequest req{ids_[1], "王五", "school closed", ParseResolveRequestReason("false_alarm")};
  service_->Resolve(req);
  service_->Comment({ids_[2], "王五", "phoned"});
  Flush();
  const core::Alert resolved = service_->Find(ids_[1]);
  EXPECT_EQ(resolved.state, core::AlertState::kResolved);
  EXPECT_EQ(resolved.resolve_reason, core::ResolveReason::kFalseAlarm);
  EXPECT_EQ(service_->Find(ids_[2]).timeline.back().comment, "phoned");
  EXPECT_EQ(ErrorOf([this, &req] { service_->Resolve(req); }), "refused");
}

TEST_F(AlertServiceTest, ListsTheOutboxWithEveryStateCounted) {
  const OutboxListing all = service_->ListOutbox({});
  EXPECT_EQ(all.rows.size(), 3u);
  ASSERT_EQ(all.counts.size(), 4u);
  EXPECT_EQ(all.counts.at(core::OutboxStatus::kPending), 3);
  EXPECT_EQ(all.counts.at(core::OutboxStatus::kFailed), 0);
  EXPECT_TRUE(service_->ListOutbox(ParseOutboxQuery("failed", 10)).rows.empty());
  EXPECT_EQ(ErrorOf([] { ParseOutboxQuery("lost", 10); }), "bad_request");
}

}  // namespace
}  // namespace pingan::services

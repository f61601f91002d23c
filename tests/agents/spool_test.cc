#include "agents/spool.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <SQLiteCpp/Database.h>

#include "tests/agents/test_router.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/temp_dir.h"

namespace pingan::agent {
namespace {

using std::chrono::seconds;
using testing::AllClear;
using testing::FakeClock;
using testing::kAgentNow;

class SpoolTest : public ::testing::Test {
 protected:
  std::unique_ptr<Spool> OpenSpool() {
    auto opened = Spool::Open(path_, clock_);
    EXPECT_TRUE(std::holds_alternative<std::unique_ptr<Spool>>(opened))
        << std::get<SpoolError>(opened).message;
    return std::move(std::get<std::unique_ptr<Spool>>(opened));
  }
  void AddOk(Spool& spool, const core::Report& r) {
    auto added = spool.Add(r);
    ASSERT_TRUE(std::holds_alternative<AddResult>(added)) << std::get<LocalRefusal>(added).message;
    EXPECT_EQ(std::get<AddResult>(added), AddResult::kAdded);
  }

  testing::TempDir dir_;
  std::string path_ = dir_.File("spool.db");
  FakeClock clock_{kAgentNow};
};

TEST_F(SpoolTest, PendingUntilAckedThenForgotten) {
  auto spool = OpenSpool();
  const core::Report r = AllClear();
  AddOk(*spool, r);

  auto entry = spool->Get(r.report_id);
  ASSERT_TRUE(entry);
  EXPECT_EQ(entry->state, SpoolState::kPending);
  EXPECT_EQ(entry->attempts, 0);
  EXPECT_EQ(entry->covers, "2026-10-03");
  auto due = spool->DuePending(clock_.Now(), 10);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].frame, wire::EncodeReportFrame(r));

  // Sent: not due again before the resend guard, due after it.
  spool->MarkSent(r.report_id, clock_.Now() + seconds{10});
  EXPECT_TRUE(spool->DuePending(clock_.Now() + seconds{9}, 10).empty());
  EXPECT_EQ(spool->DuePending(clock_.Now() + seconds{10}, 10).size(), 1u);
  EXPECT_EQ(spool->Get(r.report_id)->attempts, 1);

  clock_.Advance(seconds{1});
  EXPECT_TRUE(spool->MarkAcked(r.report_id, wire::AckStatus::kStored));
  entry = spool->Get(r.report_id);
  EXPECT_EQ(entry->state, SpoolState::kAcked);
  EXPECT_EQ(entry->ack_status, wire::AckStatus::kStored);
  EXPECT_EQ(entry->answered_at, clock_.Now());
  EXPECT_TRUE(spool->DuePending(clock_.Now() + std::chrono::hours{24}, 10).empty());
  // A second answer for the same report changes nothing.
  EXPECT_FALSE(spool->MarkAcked(r.report_id, wire::AckStatus::kDuplicate));
  EXPECT_EQ(spool->Get(r.report_id)->ack_status, wire::AckStatus::kStored);

  const SpoolCounts counts = spool->Counts();
  EXPECT_EQ(counts.pending, 0);
  EXPECT_EQ(counts.acked, 1);
  EXPECT_FALSE(counts.oldest_pending);
}

TEST_F(SpoolTest, AnsweredRowsDropTheFrameWithItsProtectedText) {
  auto spool = OpenSpool();
  const core::Report acked = testing::Incident("厨房电线起火，一名学生轻伤");
  const core::Report rejected = testing::Incident("另一件事");
  AddOk(*spool, acked);
  AddOk(*spool, rejected);
  spool->MarkAcked(acked.report_id, wire::AckStatus::kStored);
  spool->MarkRejected(rejected.report_id, core::RejectReason::kSchoolMismatch, "wrong key");
  spool.reset();

  SQLite::Database raw(path_);
  EXPECT_EQ(raw.execAndGet("SELECT count(*) FROM reports WHERE frame IS NOT NULL").getInt(), 0);
}

TEST_F(SpoolTest, PermanentRejectionIsNeverDueAgain) {
  auto spool = OpenSpool();
  const core::Report r = AllClear();
  AddOk(*spool, r);
  EXPECT_TRUE(spool->MarkRejected(r.report_id, core::RejectReason::kSchoolMismatch, "key of x"));
  auto entry = spool->Get(r.report_id);
  EXPECT_EQ(entry->state, SpoolState::kRejected);
  EXPECT_EQ(entry->rejected, core::RejectReason::kSchoolMismatch);
  EXPECT_EQ(entry->reject_detail, "key of x");
  EXPECT_TRUE(spool->DuePending(clock_.Now() + std::chrono::days{365}, 10).empty());
  // A failed-attempt note arriving late must not revive it.
  spool->MarkAttemptFailed(r.report_id, "late timeout", seconds{1});
  EXPECT_EQ(spool->Get(r.report_id)->state, SpoolState::kRejected);
  EXPECT_EQ(spool->Counts().rejected, 1);
}

TEST_F(SpoolTest, FailedAttemptIsRescheduledAfterItsBackoff) {
  auto spool = OpenSpool();
  const core::Report r = AllClear();
  AddOk(*spool, r);
  spool->MarkSent(r.report_id, clock_.Now() + seconds{10});
  spool->MarkAttemptFailed(r.report_id, "rejected: store_unavailable", seconds{5});

  EXPECT_TRUE(spool->DuePending(clock_.Now() + seconds{4}, 10).empty());
  auto due = spool->DuePending(clock_.Now() + seconds{5}, 10);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].attempts, 1);
  EXPECT_EQ(due[0].last_backoff, seconds{5});
  auto entry = spool->Get(r.report_id);
  EXPECT_EQ(entry->last_error, "rejected: store_unavailable");
  EXPECT_EQ(spool->Counts().next_attempt_at, clock_.Now() + seconds{5});
}

TEST_F(SpoolTest, SurvivesReopening) {
  const core::Report sent = AllClear();
  const core::Report acked = AllClear();
  {
    auto spool = OpenSpool();
    AddOk(*spool, sent);
    AddOk(*spool, acked);
    spool->MarkSent(sent.report_id, clock_.Now() + seconds{10});
    spool->MarkAcked(acked.report_id, wire::AckStatus::kDuplicate);
  }
  auto spool = OpenSpool();
  EXPECT_EQ(spool->Get(sent.report_id)->state, SpoolState::kPending);
  EXPECT_EQ(spool->Get(sent.report_id)->attempts, 1);
  EXPECT_EQ(spool->Get(acked.report_id)->ack_status, wire::AckStatus::kDuplicate);
  auto due = spool->DuePending(clock_.Now() + seconds{10}, 10);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].frame, wire::EncodeReportFrame(sent));
}

TEST_F(SpoolTest, SettingsPersist) {
  {
    auto spool = OpenSpool();
    EXPECT_FALSE(spool->GetSetting("last_good_endpoint"));
    spool->PutSetting("last_good_endpoint", "tcp://a:1");
    spool->PutSetting("last_good_endpoint", "tcp://b:1");
  }
  EXPECT_EQ(OpenSpool()->GetSetting("last_good_endpoint"), "tcp://b:1");
}

TEST_F(SpoolTest, AddingTheSameReportTwiceKeepsTheFirst) {
  auto spool = OpenSpool();
  const core::Report r = AllClear();
  AddOk(*spool, r);
  spool->MarkAcked(r.report_id, wire::AckStatus::kStored);
  auto again = spool->Add(r);
  ASSERT_TRUE(std::holds_alternative<AddResult>(again));
  EXPECT_EQ(std::get<AddResult>(again), AddResult::kAlreadySpooled);
  EXPECT_EQ(spool->Get(r.report_id)->state, SpoolState::kAcked);
  EXPECT_EQ(spool->Counts().acked, 1);
  EXPECT_EQ(spool->Counts().pending, 0);
}

TEST_F(SpoolTest, InvalidReportsNeverReachTheSpool) {
  auto spool = OpenSpool();
  core::Report oversize =
      testing::Incident(std::string(core::ReportLimits{}.max_summary_bytes + 1, 'x'));
  core::Report bad_severity = testing::Incident("text");
  bad_severity.incident->severity = static_cast<core::Severity>(5);
  core::Report bad_date = AllClear();
  bad_date.covers = date::year{2026} / 2 / 30;
  core::Report future_date = AllClear();
  future_date.covers = date::year{2026} / 10 / 10;
  core::Report bad_school = AllClear("");
  for (const auto* r : {&oversize, &bad_severity, &bad_date, &future_date, &bad_school}) {
    auto added = spool->Add(*r);
    ASSERT_TRUE(std::holds_alternative<LocalRefusal>(added)) << r->report_id;
    EXPECT_FALSE(std::get<LocalRefusal>(added).message.empty());
  }
  const SpoolCounts counts = spool->Counts();
  EXPECT_EQ(counts.pending + counts.acked + counts.rejected, 0);
}

TEST_F(SpoolTest, IncidentsAreSentBeforeOtherReports) {
  auto spool = OpenSpool();
  const core::Report all_clear = AllClear();
  clock_.Advance(seconds{1});
  const core::Report incident = testing::Incident("text", clock_.Now());
  AddOk(*spool, all_clear);
  AddOk(*spool, incident);
  auto due = spool->DuePending(clock_.Now(), 10);
  ASSERT_EQ(due.size(), 2u);
  EXPECT_EQ(due[0].report_id, incident.report_id);
  EXPECT_EQ(spool->DuePending(clock_.Now(), 1).size(), 1u);
}

TEST_F(SpoolTest, PurgeRemovesOnlyOldAckedRows) {
  auto spool = OpenSpool();
  const core::Report old_acked = AllClear();
  const core::Report pending = AllClear();
  const core::Report rejected = AllClear();
  AddOk(*spool, old_acked);
  AddOk(*spool, pending);
  AddOk(*spool, rejected);
  spool->MarkAcked(old_acked.report_id, wire::AckStatus::kStored);
  spool->MarkRejected(rejected.report_id, core::RejectReason::kBadKind, "");
  clock_.Advance(std::chrono::days{31});
  const core::Report new_acked = AllClear("school-1", clock_.Now());
  AddOk(*spool, new_acked);
  spool->MarkAcked(new_acked.report_id, wire::AckStatus::kStored);

  EXPECT_EQ(spool->PurgeAcked(std::chrono::days{30}), 1);
  EXPECT_FALSE(spool->Get(old_acked.report_id));
  EXPECT_TRUE(spool->Get(new_acked.report_id));
  EXPECT_TRUE(spool->Get(pending.report_id));
  EXPECT_TRUE(spool->Get(rejected.report_id));
}

TEST_F(SpoolTest, RecentListsNewestFirst) {
  auto spool = OpenSpool();
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    const core::Report r = AllClear("school-1", clock_.Now());
    AddOk(*spool, r);
    ids.push_back(r.report_id);
    clock_.Advance(seconds{1});
  }
  auto recent = spool->Recent(3);
  ASSERT_EQ(recent.size(), 3u);
  EXPECT_EQ(recent[0].report_id, ids[4]);
  EXPECT_EQ(recent[2].report_id, ids[2]);
}

TEST_F(SpoolTest, FileIsPrivateAndVersioned) {
  OpenSpool().reset();
  struct stat st {};
  ASSERT_EQ(::stat(path_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  {
    SQLite::Database raw(path_, SQLite::OPEN_READWRITE);
    EXPECT_EQ(raw.execAndGet("PRAGMA user_version").getInt(), 1);
    EXPECT_EQ(raw.execAndGet("PRAGMA journal_mode").getString(), "wal");
    raw.exec("PRAGMA user_version=7");
  }
  auto opened = Spool::Open(path_, clock_);
  ASSERT_TRUE(std::holds_alternative<SpoolError>(opened));
  EXPECT_NE(std::get<SpoolError>(opened).message.find(path_), std::string::npos);
  EXPECT_NE(std::get<SpoolError>(opened).message.find("newer"), std::string::npos);
}

TEST_F(SpoolTest, UnopenableSpoolIsAnErrorValue) {
  auto opened = Spool::Open(dir_.File("missing-dir/spool.db"), clock_);
  ASSERT_TRUE(std::holds_alternative<SpoolError>(opened));
  EXPECT_NE(std::get<SpoolError>(opened).message.find("missing-dir"), std::string::npos);
}

}  // namespace
}  // namespace pingan::agent

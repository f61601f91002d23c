#include "daemon/app/outbox_worker.h"

#include <gtest/gtest.h>

#include <mutex>

#include "daemon/app/escalation_runner.h"
#include "daemon/app/outbox_message.h"
#include "tests/app/escalation_support.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/temp_dir.h"

namespace pingan::app {
namespace {

using namespace std::chrono_literals;
using testing::At;

// Records what it was asked to send and answers from a per-channel script.
class FakeChannel final : public notify::Channel {
 public:
  core::DeliveryResult Send(const notify::OutgoingMessage& m) override {
    std::lock_guard lock(mu_);
    sent_.push_back(m);
    auto it = answers_.find(m.channel);
    return it != answers_.end() ? it->second : core::DeliveryResult::Delivered();
  }
  void Answer(core::ChannelKind k, core::DeliveryResult r) {
    std::lock_guard lock(mu_);
    answers_[k] = std::move(r);
  }
  std::vector<notify::OutgoingMessage> sent() {
    std::lock_guard lock(mu_);
    return sent_;
  }

 private:
  std::mutex mu_;
  std::map<core::ChannelKind, core::DeliveryResult> answers_;
  std::vector<notify::OutgoingMessage> sent_;
};

class RecordTest : public ::testing::Test {
 protected:
  RecordTest() : db_(dir_.File("pingan.db")), bundle_(testing::MakeDistrict(2)) {
    ids_ = testing::InsertMissing(db_, 2, At(1, 10, 30));
    RunEscalation(db_, bundle_.get(), *setup_, At(1, 10, 30));
    RunEscalation(db_, bundle_.get(), *setup_, At(1, 11, 30));  // district: sms, then email
  }
  store::OutboxRow LeaseDistrictRow(core::Instant now) {
    for (auto& r : store::OutboxRepository(db_.sql()).LeaseDue(now, 2min, 100)) {
      if (testing::RecipientName(r) == "区值班室") return r;
    }
    ADD_FAILURE() << "no district row due";
    return {};
  }
  store::OutboxRow Row(int64_t id) { return *store::OutboxRepository(db_.sql()).Find(id); }
  core::Alert Alert(const std::string& id) { return *store::AlertRepository(db_.sql()).Find(id); }

  testing::TempDir dir_;
  store::Database db_;
  SharedSchedule bundle_;
  std::shared_ptr<EscalationSetup> setup_ = testing::MakeSetup();
  std::vector<std::string> ids_;
};

TEST_F(RecordTest, ATransientFailureBacksOffWithJitter) {
  const core::Instant now = At(1, 11, 30);
  const store::OutboxRow leased = LeaseDistrictRow(now);
  const auto retry = setup_->settings.delivery.retry;
  for (double r : {0.0, 0.999}) {
    SCOPED_TRACE(r);
    // As just leased (the same lease for both draws).
    db_.sql().exec("UPDATE outbox SET state = 'leased', channel_attempts = 0 WHERE id = " +
                   std::to_string(leased.id));
    const DeliveryRecord rec =
        RecordDelivery(db_, leased, core::DeliveryResult::Transient("503"), retry, now, r);
    EXPECT_TRUE(rec.applied);
    const store::OutboxRow row = Row(leased.id);
    EXPECT_EQ(row.state, store::OutboxState::kPending);
    EXPECT_EQ(row.channel_attempts, 1);
    const auto delay = row.next_attempt_at - now;
    // 30 s initial backoff, +-20 %.
    EXPECT_GE(delay, 24s);
    EXPECT_LE(delay, 36s);
    EXPECT_EQ(row.last_error, "503");
  }
}

TEST_F(RecordTest, RetryAfterFromThePeerWins) {
  const core::Instant now = At(1, 11, 30);
  const store::OutboxRow leased = LeaseDistrictRow(now);
  RecordDelivery(db_, leased, core::DeliveryResult::Transient("429", 7min),
                 setup_->settings.delivery.retry, now, 0.5);
  EXPECT_EQ(Row(leased.id).next_attempt_at, now + 7min);
}

TEST_F(RecordTest, APermanentFailureFallsBackAndIsShownOnEveryAlert) {
  const core::Instant now = At(1, 11, 30);
  const store::OutboxRow leased = LeaseDistrictRow(now);
  const DeliveryRecord rec =
      RecordDelivery(db_, leased, core::DeliveryResult::Permanent("gateway refused the number"),
                     setup_->settings.delivery.retry, now, 0.5);
  EXPECT_NE(rec.notice.find("trying email"), std::string::npos) << rec.notice;
  const store::OutboxRow row = Row(leased.id);
  EXPECT_EQ(row.state, store::OutboxState::kPending);
  EXPECT_EQ(row.channel, "email");
  EXPECT_EQ(row.channel_attempts, 0);
  EXPECT_EQ(row.next_attempt_at, now) << "the next channel is tried at once";
  for (const std::string& id : ids_) {
    const core::Alert a = Alert(id);
    ASSERT_EQ(a.timeline.back().what, "delivery_failed") << id;
    EXPECT_NE(a.timeline.back().comment.find("区值班室"), std::string::npos);
  }
  // The e-mail fails for good too: the row fails, and the alerts say so.
  const store::OutboxRow again = LeaseDistrictRow(now);
  RecordDelivery(db_, again, core::DeliveryResult::Permanent("550 mailbox unavailable"),
                 setup_->settings.delivery.retry, now, 0.5);
  EXPECT_EQ(Row(leased.id).state, store::OutboxState::kFailed);
  EXPECT_NE(Alert(ids_[0]).timeline.back().comment.find("no channel left"), std::string::npos);
}

TEST_F(RecordTest, TransientFailuresExhaustAChannelThenFallBack) {
  core::Instant now = At(1, 11, 30);
  int64_t id = 0;
  for (int i = 0; i < 3; ++i) {  // max_attempts_per_channel = 3 in the test setup
    const store::OutboxRow leased = LeaseDistrictRow(now);
    id = leased.id;
    EXPECT_EQ(leased.channel, "sms");
    RecordDelivery(db_, leased, core::DeliveryResult::Transient("timeout"),
                   setup_->settings.delivery.retry, now, 0.5);
    now = Row(id).next_attempt_at;
  }
  EXPECT_EQ(Row(id).channel, "email");
  EXPECT_EQ(Row(id).attempts, 3);
}

TEST_F(RecordTest, AStaleResultIsIgnoredUnlessItIsADelivery) {
  const core::Instant now = At(1, 11, 30);
  const store::OutboxRow first = LeaseDistrictRow(now);
  // The lease ran out and another lease took the row.
  const store::OutboxRow second = LeaseDistrictRow(now + 3min);
  ASSERT_EQ(first.id, second.id);
  EXPECT_FALSE(RecordDelivery(db_, first, core::DeliveryResult::Transient("slow"),
                              setup_->settings.delivery.retry, now + 4min, 0.5)
                   .applied);
  EXPECT_EQ(Row(first.id).state, store::OutboxState::kLeased);
  EXPECT_TRUE(RecordDelivery(db_, first, core::DeliveryResult::Delivered(),
                             setup_->settings.delivery.retry, now + 4min, 0.5)
                  .applied);
  EXPECT_EQ(Row(first.id).state, store::OutboxState::kDelivered);
  // The second copy's result changes nothing any more.
  EXPECT_FALSE(RecordDelivery(db_, second, core::DeliveryResult::Permanent("x"),
                              setup_->settings.delivery.retry, now + 5min, 0.5)
                   .applied);
}

TEST_F(RecordTest, LeasingSkipsRowsStillInFlightAndTakesBackExpiredLeases) {
  store::OutboxRepository outbox(db_.sql());
  const auto all = outbox.LeaseDue(At(1, 11, 30), 2min, 100);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_TRUE(outbox.LeaseDue(At(1, 11, 31), 2min, 100).empty()) << "leased";
  const auto expired = outbox.LeaseDue(At(1, 11, 33), 2min, 100, {all[0].id});
  EXPECT_EQ(expired.size(), 2u) << "all but the one this process is still sending";
  outbox.Defer(expired[0].id, At(1, 12, 0));
  const store::OutboxRow deferred = Row(expired[0].id);
  EXPECT_EQ(deferred.state, store::OutboxState::kPending);
  EXPECT_EQ(deferred.attempts, 1) << "the deferred lease is not an attempt";
  EXPECT_EQ(deferred.next_attempt_at, At(1, 12, 0));
}

TEST_F(RecordTest, ASweepReminderFallsBackOnceThroughThePersonsAddresses) {
  store::OutboxRepository outbox(db_.sql());
  store::OutboxRow reminder;
  reminder.idempotency_key = "reminder|k|s01|x";
  reminder.kind = "reminder";
  reminder.channel = "sms";  // no channel list, as the sweep writes it
  reminder.recipient_json = R"({"name":"x","phone":"138","email":"x@school.cn"})";
  reminder.payload_json = R"({"template":"reminder","school_id":"s01"})";
  reminder.next_attempt_at = reminder.created_at = At(1, 12);
  ASSERT_TRUE(outbox.Enqueue(reminder));
  auto lease = [&] {
    for (auto& r : outbox.LeaseDue(At(1, 12), 2min, 100)) {
      if (r.kind == "reminder") return r;
    }
    return store::OutboxRow{};
  };
  const auto retry = setup_->settings.delivery.retry;
  store::OutboxRow leased = lease();
  RecordDelivery(db_, leased, core::DeliveryResult::Permanent("no such number"), retry, At(1, 12),
                 0.5);
  EXPECT_EQ(Row(leased.id).channel, "email");
  leased = lease();
  ASSERT_EQ(leased.channel, "email");
  RecordDelivery(db_, leased, core::DeliveryResult::Permanent("550"), retry, At(1, 12), 0.5);
  EXPECT_EQ(Row(leased.id).state, store::OutboxState::kFailed) << "not back to SMS";
}

TEST(SendOutboxRow, RendersReminderRowsOfTheSweep) {
  FakeChannel channel;
  store::OutboxRow row;
  row.kind = "reminder";
  row.channel = "email";
  row.idempotency_key = "reminder|k|s01|总务处1";
  row.recipient_json = R"({"name":"总务处1","phone":"","email":"s01@school.cn"})";
  row.payload_json =
      nlohmann::json{{"template", "reminder"},      {"school_id", "s01"},
                     {"school_name", "x"},          {"requirement_id", "daily"},
                     {"window_id", "w1"},           {"deadline_ms", core::ToUnixMillis(At(1, 10))},
                     {"time_zone", "Asia/Shanghai"}}
          .dump();
  SharedSchedule bundle = testing::MakeDistrict(1);
  core::TemplateOptions templates;
  templates.locale = core::Locale::kEnUS;
  const core::DeliveryResult result = SendOutboxRow(row, channel, bundle.get(), templates);
  EXPECT_EQ(result.status, core::DeliveryStatus::kDelivered);
  ASSERT_EQ(channel.sent().size(), 1u);
  const notify::OutgoingMessage m = channel.sent()[0];
  EXPECT_EQ(m.channel, core::ChannelKind::kEmail);
  EXPECT_EQ(m.idempotency_key, "reminder|k|s01|总务处1/email");
  EXPECT_NE(m.content.email.subject.find("第1小学"), std::string::npos) << m.content.email.subject;
  EXPECT_NE(m.content.email.subject.find("1 Oct 10:00"), std::string::npos);
  // An unknown template is a permanent failure, not a crash.
  row.payload_json = R"({"template":"nope"})";
  EXPECT_EQ(SendOutboxRow(row, channel, bundle.get(), templates).status,
            core::DeliveryStatus::kPermanentFailure);
}

TEST(ToPolicyRow, ReminderRowsFallBackToThePersonsOtherAddress) {
  store::OutboxRow row;
  row.channel = "sms";
  row.attempts = 3;
  row.channel_attempts = 2;
  row.recipient_json = R"({"name":"总务处1","phone":"138","email":"s01@school.cn"})";
  core::OutboxRow policy = ToPolicyRow(row);
  EXPECT_EQ(policy.channels,
            (std::vector<core::ChannelKind>{core::ChannelKind::kSms, core::ChannelKind::kEmail}));
  EXPECT_EQ(policy.channel_index, 0u);
  EXPECT_EQ(policy.attempts, 2);
  EXPECT_EQ(policy.total_attempts, 2) << "the attempt being judged is not counted twice";
  // The first verdict writes the derived order, so a fallback keeps its place in it.
  EXPECT_EQ(ToAttemptRecord(policy).channels, (std::vector<std::string>{"sms", "email"}));
  row.channels = {"sms", "email"};
  row.channel = "email";
  EXPECT_EQ(ToPolicyRow(row).channel_index, 1u);
  row.channels.clear();
  row.recipient_json = R"({"name":"总务处1","phone":"138"})";
  row.channel = "fax";
  EXPECT_TRUE(ToPolicyRow(row).channels.empty());
}

// The worker loop on a real io_context and StoreWriter; the fake clock drives the policy.
class WorkerTest : public ::testing::Test {
 protected:
  WorkerTest() : clock_(At(1, 10, 30)) {
    setup_->settings.delivery.poll = 5ms;
    store::StoreWriterOptions options;
    options.database_path = dir_.File("pingan.db");
    writer_ = std::make_unique<store::StoreWriter>(options, [](auto) {});
    schedules_.Set(testing::MakeDistrict(3));
  }
  ~WorkerTest() override {
    if (worker_) worker_->Stop();
    writer_->Stop();
  }
  void Start() {
    worker_ = std::make_unique<OutboxWorker>(io_, *writer_, clock_, schedules_, channel_, setup_);
    worker_->Start();
  }
  // Runs the loop until `done` holds (bounded: real time is only needed for the pool).
  template <typename Pred>
  bool RunUntil(Pred done) {
    for (int i = 0; i < 2000 && !done(); ++i) {
      if (io_.stopped()) io_.restart();
      io_.run_one_for(5ms);
    }
    return done();
  }
  int64_t Count(store::OutboxState s) {
    store::Database db(dir_.File("pingan.db"), store::OpenMode::kReadOnly);
    return store::OutboxRepository(db.sql()).Count(s);
  }
  void Escalate(core::Instant now) {
    store::Database db(dir_.File("pingan.db"));
    RunEscalation(db, schedules_.Get().get(), *setup_, now);
  }

  testing::TempDir dir_;
  testing::FakeClock clock_;
  std::shared_ptr<EscalationSetup> setup_ = testing::MakeSetup();
  boost::asio::io_context io_;
  std::unique_ptr<store::StoreWriter> writer_;
  ScheduleSource schedules_;
  std::shared_ptr<FakeChannel> channel_ = std::make_shared<FakeChannel>();
  std::unique_ptr<OutboxWorker> worker_;
};

TEST_F(WorkerTest, DeliversEveryQueuedMessageOnItsChannel) {
  {
    store::Database db(dir_.File("pingan.db"));
    testing::InsertMissing(db, 3, At(1, 10, 30));
  }
  Escalate(At(1, 10, 30));
  Start();
  // The stats follow the database commit on the io thread: wait for both.
  ASSERT_TRUE(RunUntil([&] {
    return Count(store::OutboxState::kDelivered) == 3 && worker_->stats().delivered == 3;
  }));
  std::set<std::string> to;
  for (const auto& m : channel_->sent()) {
    EXPECT_EQ(m.channel, core::ChannelKind::kEmail);
    to.insert(m.recipient.email);
  }
  EXPECT_EQ(to, (std::set<std::string>{"s01@school.cn", "s02@school.cn", "s03@school.cn"}));
  EXPECT_EQ(worker_->stats().delivered, 3u);
}

TEST_F(WorkerTest, RateLimitsPerRecipientDeferWithoutLosingMessages) {
  setup_->settings.delivery.rate_limit = {2, 10min};
  {
    store::Database db(dir_.File("pingan.db"));
    testing::InsertMissing(db, 1, At(1, 10, 30));
  }
  // Four alerts of other windows for the same school contact.
  for (int w = 2; w <= 4; ++w) {
    store::Database db(dir_.File("pingan.db"));
    store::AlertRepository(db.sql()).Insert(
        core::NewMissingAlert("alert-w" + std::to_string(w), testing::School(1), "daily",
                              "w" + std::to_string(w), At(1, 10, 30)));
  }
  Escalate(At(1, 10, 30));
  Start();
  ASSERT_TRUE(RunUntil([&] {
    return worker_->stats().deferred >= 2 && Count(store::OutboxState::kDelivered) == 2;
  }));
  EXPECT_EQ(channel_->sent().size(), 2u) << "a burst of two";
  EXPECT_EQ(Count(store::OutboxState::kDelivered), 2);
  clock_.Advance(10min);
  ASSERT_TRUE(RunUntil([&] { return channel_->sent().size() == 3; }));
  clock_.Advance(10min);
  ASSERT_TRUE(RunUntil([&] { return Count(store::OutboxState::kDelivered) == 4; }));
  EXPECT_EQ(Count(store::OutboxState::kPending) + Count(store::OutboxState::kLeased), 0);
}

TEST_F(WorkerTest, RetriesAfterTheBackoffOnTheInjectedClock) {
  channel_->Answer(core::ChannelKind::kEmail, core::DeliveryResult::Transient("451 busy"));
  {
    store::Database db(dir_.File("pingan.db"));
    testing::InsertMissing(db, 1, At(1, 10, 30));
  }
  Escalate(At(1, 10, 30));
  Start();
  ASSERT_TRUE(RunUntil([&] { return worker_->stats().retried == 1; }));
  EXPECT_EQ(channel_->sent().size(), 1u) << "nothing is retried before the backoff";
  channel_->Answer(core::ChannelKind::kEmail, core::DeliveryResult::Delivered());
  clock_.Advance(40s);
  ASSERT_TRUE(RunUntil([&] { return Count(store::OutboxState::kDelivered) == 1; }));
  const auto sent = channel_->sent();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].idempotency_key, sent[1].idempotency_key) << "peers can drop a duplicate";
}

}  // namespace
}  // namespace pingan::app

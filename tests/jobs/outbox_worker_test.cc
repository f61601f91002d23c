#include "daemon/jobs/outbox_worker.h"

#include <gtest/gtest.h>

#include <mutex>

#include <SQLiteCpp/Statement.h>
#include <nlohmann/json.hpp>

#include "daemon/jobs/escalation_runner.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/temp_dir.h"
#include "tests/services/escalation_support.h"

namespace pingan::jobs {
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
  core::OutboxRow LeaseDistrictRow(core::Instant now) {
    for (auto& r : store::OutboxRepository(db_).LeaseDue(now, 2min, 100)) {
      if (testing::RecipientName(r) == "区值班室") return r;
    }
    ADD_FAILURE() << "no district row due";
    return {};
  }
  core::OutboxRow Row(int64_t id) { return *store::OutboxRepository(db_).Find(id); }
  core::Alert Alert(const std::string& id) { return *store::AlertRepository(db_).Find(id); }

  testing::TempDir dir_;
  store::Database db_;
  config::SharedSchedule bundle_;
  std::shared_ptr<config::EscalationSetup> setup_ = testing::MakeSetup();
  std::vector<std::string> ids_;
};

TEST_F(RecordTest, ATransientFailureBacksOffWithJitter) {
  const core::Instant now = At(1, 11, 30);
  const core::OutboxRow leased = LeaseDistrictRow(now);
  const auto retry = setup_->settings.delivery.retry;
  for (double r : {0.0, 0.999}) {
    SCOPED_TRACE(r);
    // As just leased (the same lease for both draws).
    db_.sql().exec("UPDATE outbox SET state = 'leased', channel_attempts = 0 WHERE id = " +
                   std::to_string(leased.id));
    const DeliveryRecord rec =
        RecordDelivery(db_, leased, core::DeliveryResult::Transient("503"), retry, now, r);
    EXPECT_TRUE(rec.applied);
    const core::OutboxRow row = Row(leased.id);
    EXPECT_EQ(row.status, core::OutboxStatus::kPending);
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
  const core::OutboxRow leased = LeaseDistrictRow(now);
  RecordDelivery(db_, leased, core::DeliveryResult::Transient("429", 7min),
                 setup_->settings.delivery.retry, now, 0.5);
  EXPECT_EQ(Row(leased.id).next_attempt_at, now + 7min);
}

TEST_F(RecordTest, APermanentFailureFallsBackAndIsShownOnEveryAlert) {
  const core::Instant now = At(1, 11, 30);
  const core::OutboxRow leased = LeaseDistrictRow(now);
  const DeliveryRecord rec =
      RecordDelivery(db_, leased, core::DeliveryResult::Permanent("gateway refused the number"),
                     setup_->settings.delivery.retry, now, 0.5);
  EXPECT_NE(rec.notice.find("trying email"), std::string::npos) << rec.notice;
  const core::OutboxRow row = Row(leased.id);
  EXPECT_EQ(row.status, core::OutboxStatus::kPending);
  EXPECT_EQ(testing::Channel(row), "email");
  EXPECT_EQ(row.channel_attempts, 0);
  EXPECT_EQ(row.next_attempt_at, now) << "the next channel is tried at once";
  for (const std::string& id : ids_) {
    const core::Alert a = Alert(id);
    ASSERT_EQ(a.timeline.back().what, "delivery_failed") << id;
    EXPECT_NE(a.timeline.back().comment.find("区值班室"), std::string::npos);
  }
  // The e-mail fails for good too: the row fails, and the alerts say so.
  const core::OutboxRow again = LeaseDistrictRow(now);
  RecordDelivery(db_, again, core::DeliveryResult::Permanent("550 mailbox unavailable"),
                 setup_->settings.delivery.retry, now, 0.5);
  EXPECT_EQ(Row(leased.id).status, core::OutboxStatus::kFailed);
  EXPECT_NE(Alert(ids_[0]).timeline.back().comment.find("no channel left"), std::string::npos);
}

TEST_F(RecordTest, TransientFailuresExhaustAChannelThenFallBack) {
  core::Instant now = At(1, 11, 30);
  int64_t id = 0;
  for (int i = 0; i < 3; ++i) {  // max_attempts_per_channel = 3 in the test setup
    const core::OutboxRow leased = LeaseDistrictRow(now);
    id = leased.id;
    EXPECT_EQ(testing::Channel(leased), "sms");
    RecordDelivery(db_, leased, core::DeliveryResult::Transient("timeout"),
                   setup_->settings.delivery.retry, now, 0.5);
    now = Row(id).next_attempt_at;
  }
  EXPECT_EQ(testing::Channel(Row(id)), "email");
  EXPECT_EQ(Row(id).attempts, 3);
}

TEST_F(RecordTest, AStaleResultIsIgnoredUnlessItIsADelivery) {
  const core::Instant now = At(1, 11, 30);
  const core::OutboxRow first = LeaseDistrictRow(now);
  // The lease ran out and another lease took the row.
  const core::OutboxRow second = LeaseDistrictRow(now + 3min);
  ASSERT_EQ(first.id, second.id);
  EXPECT_FALSE(RecordDelivery(db_, first, core::DeliveryResult::Transient("slow"),
                              setup_->settings.delivery.retry, now + 4min, 0.5)
                   .applied);
  EXPECT_EQ(Row(first.id).status, core::OutboxStatus::kLeased);
  EXPECT_TRUE(RecordDelivery(db_, first, core::DeliveryResult::Delivered(),
                             setup_->settings.delivery.retry, now + 4min, 0.5)
                  .applied);
  EXPECT_EQ(Row(first.id).status, core::OutboxStatus::kDelivered);
  // The second copy's result changes nothing any more.
  EXPECT_FALSE(RecordDelivery(db_, second, core::DeliveryResult::Permanent("x"),
                              setup_->settings.delivery.retry, now + 5min, 0.5)
                   .applied);
}

TEST_F(RecordTest, LeasingSkipsRowsStillInFlightAndTakesBackExpiredLeases) {
  store::OutboxRepository outbox(db_);
  const auto all = outbox.LeaseDue(At(1, 11, 30), 2min, 100);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_TRUE(outbox.LeaseDue(At(1, 11, 31), 2min, 100).empty()) << "leased";
  const auto expired = outbox.LeaseDue(At(1, 11, 33), 2min, 100, {all[0].id});
  EXPECT_EQ(expired.size(), 2u) << "all but the one this process is still sending";
  outbox.Defer(expired[0].id, At(1, 12, 0));
  const core::OutboxRow deferred = Row(expired[0].id);
  EXPECT_EQ(deferred.status, core::OutboxStatus::kPending);
  EXPECT_EQ(deferred.attempts, 1) << "the deferred lease is not an attempt";
  EXPECT_EQ(deferred.next_attempt_at, At(1, 12, 0));
}

// A reminder as the sweep stored it before the one row format: no channel list, the
// payload template "reminder".
void InsertOldReminder(store::Database& db, const std::string& recipient_json, core::Instant at) {
  SQLite::Statement s(db.sql(), R"sql(
INSERT INTO outbox (idempotency_key, kind, alert_id, recipient_json, channel, payload_json,
  state, attempts, next_attempt_ms, created_at_ms)
VALUES ('reminder|k|s01|x', 'reminder', '', ?1, 'sms', ?2, 'pending', 0, ?3, ?3))sql");
  s.bind(1, recipient_json);
  s.bind(2, nlohmann::json{{"template", "reminder"},
                           {"school_id", "s01"},
                           {"school_name", "x"},
                           {"requirement_id", "daily"},
                           {"window_id", "w1"},
                           {"deadline_ms", core::ToUnixMillis(At(1, 10))},
                           {"time_zone", "Asia/Shanghai"}}
                .dump());
  s.bind(3, static_cast<int64_t>(core::ToUnixMillis(at)));
  s.exec();
}

TEST_F(RecordTest, AnOldReminderRowFallsBackOnceThroughThePersonsAddresses) {
  InsertOldReminder(db_, R"({"name":"x","phone":"138","email":"x@school.cn"})", At(1, 12));
  store::OutboxRepository outbox(db_);
  auto lease = [&] {
    for (auto& r : outbox.LeaseDue(At(1, 12), 2min, 100)) {
      if (r.message == core::MessageKind::kDueSoon) return r;
    }
    return core::OutboxRow{};
  };
  const auto retry = setup_->settings.delivery.retry;
  core::OutboxRow leased = lease();
  EXPECT_EQ(testing::Channels(leased), (std::vector<std::string>{"sms", "email"}));
  RecordDelivery(db_, leased, core::DeliveryResult::Permanent("no such number"), retry, At(1, 12),
                 0.5);
  EXPECT_EQ(testing::Channel(Row(leased.id)), "email");
  leased = lease();
  ASSERT_EQ(testing::Channel(leased), "email");
  RecordDelivery(db_, leased, core::DeliveryResult::Permanent("550"), retry, At(1, 12), 0.5);
  EXPECT_EQ(Row(leased.id).status, core::OutboxStatus::kFailed) << "not back to SMS";
}

TEST_F(RecordTest, AnOldReminderRowIsSentAsBefore) {
  InsertOldReminder(db_, R"({"name":"总务处1","phone":"","email":"s01@school.cn"})", At(1, 9));
  core::OutboxRow row;
  for (auto& r : store::OutboxRepository(db_).LeaseDue(At(1, 9), 2min, 100)) {
    if (r.message == core::MessageKind::kDueSoon) row = r;
  }
  ASSERT_EQ(row.message, core::MessageKind::kDueSoon);
  FakeChannel channel;
  core::TemplateOptions templates;
  templates.locale = core::Locale::kEnUS;
  const core::DeliveryResult result = SendOutboxRow(row, channel, bundle_.get(), templates);
  EXPECT_EQ(result.status, core::DeliveryStatus::kDelivered);
  ASSERT_EQ(channel.sent().size(), 1u);
  const notify::OutgoingMessage m = channel.sent()[0];
  EXPECT_EQ(m.channel, core::ChannelKind::kEmail) << "no phone: e-mail";
  EXPECT_EQ(m.idempotency_key, "reminder|k|s01|x/email");
  EXPECT_NE(m.content.email.subject.find("第1小学"), std::string::npos) << m.content.email.subject;
  EXPECT_NE(m.content.email.subject.find("1 Oct 10:00"), std::string::npos);
  EXPECT_EQ(RecordDelivery(db_, row, result, setup_->settings.delivery.retry, At(1, 9), 0.5).status,
            core::OutboxStatus::kDelivered);
}

TEST(SendOutboxRow, AnUnreadableRowFailsForGoodWithoutASend) {
  FakeChannel channel;
  core::OutboxRow row;
  row.recipient = {"x", "138", "", ""};
  row.channels = {core::ChannelKind::kSms};
  row.unreadable = "unknown message template 'nope'";
  config::SharedSchedule bundle = testing::MakeDistrict(1);
  const core::DeliveryResult result = SendOutboxRow(row, channel, bundle.get(), {});
  EXPECT_EQ(result.status, core::DeliveryStatus::kPermanentFailure);
  EXPECT_EQ(result.reason, row.unreadable);
  row.unreadable.clear();
  row.channels.clear();
  EXPECT_EQ(SendOutboxRow(row, channel, bundle.get(), {}).status,
            core::DeliveryStatus::kPermanentFailure)
      << "nobody reachable";
  EXPECT_TRUE(channel.sent().empty());
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
  int64_t Count(core::OutboxStatus s) {
    store::Database db(dir_.File("pingan.db"), store::OpenMode::kReadOnly);
    return store::OutboxRepository(db).Count(s);
  }
  void Escalate(core::Instant now) {
    store::Database db(dir_.File("pingan.db"));
    RunEscalation(db, schedules_.Get().get(), *setup_, now);
  }

  testing::TempDir dir_;
  testing::FakeClock clock_;
  std::shared_ptr<config::EscalationSetup> setup_ = testing::MakeSetup();
  boost::asio::io_context io_;
  std::unique_ptr<store::StoreWriter> writer_;
  config::ScheduleSource schedules_;
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
    return Count(core::OutboxStatus::kDelivered) == 3 && worker_->stats().delivered == 3;
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
    store::AlertRepository(db).Insert(
        core::NewMissingAlert("alert-w" + std::to_string(w), testing::School(1), "daily",
                              "w" + std::to_string(w), At(1, 10, 30)));
  }
  Escalate(At(1, 10, 30));
  Start();
  ASSERT_TRUE(RunUntil([&] {
    return worker_->stats().deferred >= 2 && Count(core::OutboxStatus::kDelivered) == 2;
  }));
  EXPECT_EQ(channel_->sent().size(), 2u) << "a burst of two";
  EXPECT_EQ(Count(core::OutboxStatus::kDelivered), 2);
  clock_.Advance(10min);
  ASSERT_TRUE(RunUntil([&] { return channel_->sent().size() == 3; }));
  clock_.Advance(10min);
  ASSERT_TRUE(RunUntil([&] { return Count(core::OutboxStatus::kDelivered) == 4; }));
  EXPECT_EQ(Count(core::OutboxStatus::kPending) + Count(core::OutboxStatus::kLeased), 0);
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
  ASSERT_TRUE(RunUntil([&] { return Count(core::OutboxStatus::kDelivered) == 1; }));
  const auto sent = channel_->sent();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].idempotency_key, sent[1].idempotency_key) << "peers can drop a duplicate";
}

}  // namespace
}  // namespace pingan::jobs

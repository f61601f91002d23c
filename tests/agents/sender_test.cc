#include "agents/sender.h"

#include <gtest/gtest.h>

#include "tests/agents/test_router.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/temp_dir.h"

namespace pingan::agent {
namespace {

using std::chrono::seconds;
using testing::AllClear;
using testing::Answer;
using testing::FakeClock;
using testing::StepUntil;
using testing::TestRouter;

class SenderTest : public ::testing::Test {
 protected:
  SenderTest() {
    auto opened = Spool::Open(dir_.File("spool.db"), clock_);
    spool_ = std::move(std::get<std::unique_ptr<Spool>>(opened));
  }
  SenderOptions Options(const std::vector<std::string>& endpoints) {
    return testing::TestSenderOptions(endpoints, server_keys_, client_keys_);
  }
  core::Report Add(core::Report r = AllClear()) {
    EXPECT_TRUE(std::holds_alternative<AddResult>(spool_->Add(r)));
    return r;
  }
  SpoolState State(const core::Report& r) { return spool_->Get(r.report_id)->state; }
  std::function<bool()> Answered(const core::Report& r) {
    return [this, r] { return State(r) != SpoolState::kPending; };
  }

  testing::TempDir dir_;
  FakeClock clock_{testing::kAgentNow};
  std::unique_ptr<Spool> spool_;
  wire::CurveKeyPair server_keys_ = wire::GenerateCurveKeyPair();
  wire::CurveKeyPair client_keys_ = wire::GenerateCurveKeyPair();
};

TEST_F(SenderTest, DeliversOverCurveAndForgets) {
  TestRouter router(server_keys_, TestRouter::Storing());
  const auto a = Add();
  const auto b = Add(testing::Incident("text"));
  Sender sender(*spool_, clock_, Options({router.endpoint()}));
  std::vector<std::string> observed;
  sender.set_ack_observer([&](const wire::Ack& ack, std::optional<core::Millis>) {
    observed.push_back(ack.report_id);
  });

  ASSERT_TRUE(StepUntil(sender, [&] { return spool_->Counts().acked == 2; }));
  EXPECT_EQ(spool_->Get(a.report_id)->ack_status, wire::AckStatus::kStored);
  EXPECT_EQ(spool_->Get(b.report_id)->attempts, 1);
  EXPECT_EQ(sender.stats().stored, 2u);
  EXPECT_EQ(sender.stats().connects, 1u);
  EXPECT_EQ(observed.size(), 2u);
  EXPECT_FALSE(sender.Step().busy);  // nothing left to do
  EXPECT_EQ(router.received(), 2);
}

TEST_F(SenderTest, DuplicateMeansDelivered) {
  TestRouter router(server_keys_, [](const core::Report& r, int) {
    return Answer(r, wire::AckStatus::kDuplicate);
  });
  const auto r = Add();
  Sender sender(*spool_, clock_, Options({router.endpoint()}));
  ASSERT_TRUE(StepUntil(sender, Answered(r)));
  EXPECT_EQ(State(r), SpoolState::kAcked);
  EXPECT_EQ(spool_->Get(r.report_id)->ack_status, wire::AckStatus::kDuplicate);
  EXPECT_EQ(sender.stats().duplicates, 1u);
}

TEST_F(SenderTest, PermanentRejectionIsRecordedAndNeverResent) {
  TestRouter router(server_keys_, [](const core::Report& r, int) {
    return Answer(r, wire::AckStatus::kRejected, core::RejectReason::kSchoolMismatch,
                  "key belongs to school-2");
  });
  const auto r = Add();
  Sender sender(*spool_, clock_, Options({router.endpoint()}));
  ASSERT_TRUE(StepUntil(sender, Answered(r)));
  const auto entry = spool_->Get(r.report_id);
  EXPECT_EQ(entry->state, SpoolState::kRejected);
  EXPECT_EQ(entry->rejected, core::RejectReason::kSchoolMismatch);
  EXPECT_EQ(entry->reject_detail, "key belongs to school-2");
  for (int i = 0; i < 5; ++i) {
    clock_.Advance(std::chrono::hours{1});
    EXPECT_FALSE(sender.Step().busy);
  }
  EXPECT_EQ(router.received(), 1);
  EXPECT_EQ(sender.stats().sent, 1u);
}

TEST_F(SenderTest, TransientRejectionIsRetriedAfterBackoff) {
  TestRouter router(server_keys_, [](const core::Report& r, int seen) {
    return seen == 1 ? Answer(r, wire::AckStatus::kRejected, core::RejectReason::kStoreUnavailable,
                              "disk full")
                     : Answer(r, wire::AckStatus::kStored);
  });
  const auto r = Add();
  SenderOptions options = Options({router.endpoint()});
  Sender sender(*spool_, clock_, options);
  ASSERT_TRUE(StepUntil(sender, [&] { return !spool_->Get(r.report_id)->last_error.empty(); }));
  auto entry = spool_->Get(r.report_id);
  EXPECT_EQ(entry->state, SpoolState::kPending);
  EXPECT_NE(entry->last_error.find("store_unavailable"), std::string::npos);
  const core::Millis wait = entry->next_attempt_at - clock_.Now();
  EXPECT_GE(wait, options.retry.min);
  EXPECT_LE(wait, BackoffCeiling(options.retry, 1, core::Millis{0}));
  EXPECT_EQ(entry->last_backoff, wait);

  // Not before the backoff has passed...
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(sender.Step().busy);
  EXPECT_EQ(router.received(), 1);
  // ...then resent and stored.
  clock_.Set(entry->next_attempt_at);
  ASSERT_TRUE(StepUntil(sender, Answered(r)));
  EXPECT_EQ(State(r), SpoolState::kAcked);
  EXPECT_EQ(router.received(), 2);
  EXPECT_EQ(spool_->Get(r.report_id)->attempts, 2);
  EXPECT_EQ(sender.stats().transient_rejections, 1u);
}

TEST_F(SenderTest, SilentDaemonTimesOutAndFailsOverToTheNextEndpoint) {
  TestRouter silent(server_keys_, TestRouter::Silent());
  TestRouter working(server_keys_, TestRouter::Storing());
  const auto r = Add();
  SenderOptions options = Options({silent.endpoint(), working.endpoint()});
  Sender sender(*spool_, clock_, options);

  ASSERT_TRUE(StepUntil(sender, [&] { return silent.received() == 1; }));
  EXPECT_TRUE(sender.connected());
  clock_.Advance(options.ack_timeout - core::Millis{1});
  sender.Step();
  EXPECT_TRUE(sender.connected());
  EXPECT_EQ(sender.stats().timeouts, 0u);

  clock_.Advance(core::Millis{1});
  sender.Step();
  EXPECT_EQ(sender.stats().timeouts, 1u);
  EXPECT_EQ(sender.stats().failovers, 1u);
  EXPECT_FALSE(sender.connected());
  EXPECT_EQ(sender.endpoint(), working.endpoint());
  auto entry = spool_->Get(r.report_id);
  EXPECT_EQ(entry->state, SpoolState::kPending);
  EXPECT_NE(entry->last_error.find("no acknowledgement from " + silent.endpoint()),
            std::string::npos);
  EXPECT_GE(entry->next_attempt_at, clock_.Now() + options.retry.min);

  clock_.Set(entry->next_attempt_at);
  ASSERT_TRUE(StepUntil(sender, Answered(r)));
  EXPECT_EQ(State(r), SpoolState::kAcked);
  EXPECT_EQ(working.received(), 1);
  EXPECT_EQ(silent.received(), 1);

  // The next command starts with the endpoint that answered, not with the dead one.
  sender.Close();
  Sender next(*spool_, clock_, options);
  EXPECT_EQ(next.endpoint(), working.endpoint());
  const auto later = Add(AllClear("school-1", clock_.Now()));
  ASSERT_TRUE(StepUntil(next, Answered(later)));
  EXPECT_EQ(silent.received(), 1);
  EXPECT_EQ(next.stats().failovers, 0u);
}

TEST_F(SenderTest, ResendsToADaemonThatRestarted) {
  const auto r = Add();
  SenderOptions options = Options({"placeholder"});
  std::string endpoint;
  {
    TestRouter before(server_keys_, TestRouter::Silent());  // takes it and dies
    endpoint = before.endpoint();
    options.endpoints = {endpoint};
    Sender sender(*spool_, clock_, options);
    ASSERT_TRUE(StepUntil(sender, [&] { return before.received() == 1; }));
  }
  // A new agent process and a new daemon on the same address.
  TestRouter after(server_keys_, TestRouter::Storing(), endpoint);
  Sender sender(*spool_, clock_, options);
  EXPECT_FALSE(sender.Step().busy);  // the resend guard holds it back for ack_timeout
  clock_.Advance(options.ack_timeout);
  ASSERT_TRUE(StepUntil(sender, Answered(r)));
  EXPECT_EQ(State(r), SpoolState::kAcked);
  EXPECT_EQ(spool_->Get(r.report_id)->attempts, 2);
}

TEST_F(SenderTest, ClosesTheConnectionWhenIdleAndReconnectsOnDemand) {
  TestRouter router(server_keys_, TestRouter::Storing());
  SenderOptions options = Options({router.endpoint()});
  Sender sender(*spool_, clock_, options);
  EXPECT_FALSE(sender.Step().busy);
  EXPECT_FALSE(sender.connected());  // nothing to send: no connection at all
  EXPECT_EQ(sender.stats().connects, 0u);

  const auto first = Add();
  ASSERT_TRUE(StepUntil(sender, Answered(first)));
  EXPECT_TRUE(sender.connected());
  EXPECT_EQ(sender.NextWakeup(), clock_.Now() + options.idle_close);
  clock_.Advance(options.idle_close - core::Millis{1});
  sender.Step();
  EXPECT_TRUE(sender.connected());
  clock_.Advance(core::Millis{1});
  sender.Step();
  EXPECT_FALSE(sender.connected());
  EXPECT_EQ(sender.stats().idle_closes, 1u);
  EXPECT_FALSE(sender.NextWakeup());

  const auto second = Add(AllClear("school-1", clock_.Now()));
  ASSERT_TRUE(StepUntil(sender, Answered(second)));
  EXPECT_EQ(State(second), SpoolState::kAcked);
  EXPECT_EQ(sender.stats().connects, 2u);
}

TEST_F(SenderTest, KeepsAtMostTheWindowInFlight) {
  TestRouter router(server_keys_, TestRouter::Silent());
  for (int i = 0; i < 10; ++i) Add();
  SenderOptions options = Options({router.endpoint()});
  options.max_in_flight = 4;
  Sender sender(*spool_, clock_, options);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(sender.Step().in_flight, 4u);
  int sent = 0;
  for (const auto& e : spool_->Recent(10)) sent += e.attempts;
  EXPECT_EQ(sent, 4);
  EXPECT_TRUE(router.WaitReceived(4));
  EXPECT_EQ(sender.stats().sent, 4u);
}

TEST_F(SenderTest, ManyReportsFlowThroughASmallWindow) {
  TestRouter router(server_keys_, TestRouter::Storing());
  for (int i = 0; i < 50; ++i) Add(AllClear("school-1", clock_.Now() + core::Millis{i}));
  SenderOptions options = Options({router.endpoint()});
  options.max_in_flight = 8;
  Sender sender(*spool_, clock_, options);
  sender.Flush(clock_.Now() + seconds{1});  // a FakeClock that stands still: ends when done
  EXPECT_EQ(spool_->Counts().acked, 50);
  EXPECT_EQ(router.received(), 50);
}

TEST_F(SenderTest, AliveDaemonOnlyReschedulesTheLateReport) {
  // The daemon answers the second report but never the first: the endpoint works, so
  // only the first is rescheduled and there is no failover.
  std::string ignored;
  TestRouter router(server_keys_,
                    [&ignored](const core::Report& r, int) -> std::optional<wire::Ack> {
                      if (r.report_id == ignored) return std::nullopt;
                      return Answer(r, wire::AckStatus::kStored);
                    });
  const auto lost = Add();
  ignored = lost.report_id;
  SenderOptions options = Options({router.endpoint()});
  Sender sender(*spool_, clock_, options);
  ASSERT_TRUE(StepUntil(sender, [&] { return router.received() == 1; }));
  clock_.Advance(seconds{5});
  const auto answered = Add(AllClear("school-1", clock_.Now()));
  ASSERT_TRUE(StepUntil(sender, Answered(answered)));
  clock_.Advance(seconds{5});
  sender.Step();
  EXPECT_EQ(sender.stats().timeouts, 1u);
  EXPECT_EQ(sender.stats().failovers, 0u);
  EXPECT_TRUE(sender.connected());
  EXPECT_EQ(State(lost), SpoolState::kPending);
  EXPECT_FALSE(spool_->Get(lost.report_id)->last_error.empty());
}

// Under load an ack can come after its report's ack timeout. It is still the daemon's
// word: the spool takes it and the observer hears of it (with no round trip), so a
// fleet counting acks counts every report the daemon answered.
TEST_F(SenderTest, ALateAckStillCountsAndIsObserved) {
  std::string late_id;
  std::string second_id;
  TestRouter router(server_keys_, [&](const core::Report& r, int) -> std::optional<wire::Ack> {
    if (r.report_id == late_id) return std::nullopt;  // not yet
    if (r.report_id == second_id) return Answer(r, wire::AckStatus::kStored);
    // The third report's arrival releases the first one's answer.
    core::Report first = r;
    first.report_id = late_id;
    return Answer(first, wire::AckStatus::kStored);
  });
  const auto first = Add();
  late_id = first.report_id;
  SenderOptions options = Options({router.endpoint()});
  options.retry = BackoffPolicy{seconds{600}, seconds{600}, 2.0, Jitter::kDecorrelated};
  Sender sender(*spool_, clock_, options);
  std::vector<std::pair<std::string, std::optional<core::Millis>>> observed;
  sender.set_ack_observer([&](const wire::Ack& ack, std::optional<core::Millis> round_trip) {
    observed.emplace_back(ack.report_id, round_trip);
  });
  ASSERT_TRUE(StepUntil(sender, [&] { return router.received() == 1; }));
  clock_.Advance(seconds{5});
  core::Report second = AllClear("school-1", clock_.Now());
  second_id = second.report_id;
  Add(second);
  ASSERT_TRUE(StepUntil(sender, Answered(second)));  // the daemon is alive
  clock_.Advance(seconds{6});
  sender.Step();  // the first report's ack timeout passes
  ASSERT_EQ(sender.stats().timeouts, 1u);
  ASSERT_TRUE(sender.connected());

  Add(AllClear("school-1", clock_.Now()));
  ASSERT_TRUE(StepUntil(sender, Answered(first)));
  EXPECT_EQ(spool_->Get(first.report_id)->ack_status, wire::AckStatus::kStored);
  EXPECT_EQ(sender.stats().unmatched_acks, 1u);
  ASSERT_EQ(observed.size(), 2u);
  EXPECT_EQ(observed[0].first, second.report_id);
  EXPECT_TRUE(observed[0].second.has_value());
  EXPECT_EQ(observed[1].first, first.report_id);
  EXPECT_FALSE(observed[1].second.has_value()) << "a late ack has no round trip";
}

TEST_F(SenderTest, InsecureDevModeNeedsNoKeys) {
  TestRouter router(std::nullopt, TestRouter::Storing());
  const auto r = Add();
  SenderOptions options;
  options.endpoints = {router.endpoint()};
  options.insecure_dev = true;
  options.poll_slice = core::Millis{10};
  Sender sender(*spool_, clock_, options);
  ASSERT_TRUE(StepUntil(sender, Answered(r)));
  EXPECT_EQ(State(r), SpoolState::kAcked);
}

TEST_F(SenderTest, OptionsAreChecked) {
  SenderOptions options = Options({"tcp://127.0.0.1:1"});
  EXPECT_EQ(CheckSenderOptions(options), "");
  options.server_public_key = "short";
  EXPECT_NE(CheckSenderOptions(options).find("public key"), std::string::npos);
  EXPECT_THROW(Sender(*spool_, clock_, options), std::invalid_argument);
  options = Options({});
  EXPECT_NE(CheckSenderOptions(options).find("endpoint"), std::string::npos);
  options = Options({"127.0.0.1:7450"});
  EXPECT_NE(CheckSenderOptions(options).find("127.0.0.1:7450"), std::string::npos);
  options = Options({"tcp://127.0.0.1:1"});
  options.poll_slice = core::Millis{500};
  EXPECT_NE(CheckSenderOptions(options), "");
}

TEST_F(SenderTest, ManySendersShareOneContext) {
  TestRouter router(server_keys_, TestRouter::Storing());
  zmq::context_t context;
  std::vector<std::unique_ptr<Spool>> spools;
  std::vector<std::unique_ptr<Sender>> senders;
  for (int i = 0; i < 5; ++i) {
    auto opened = Spool::Open(dir_.File("spool-" + std::to_string(i) + ".db"), clock_);
    spools.push_back(std::move(std::get<std::unique_ptr<Spool>>(opened)));
    for (int k = 0; k < 4; ++k) spools.back()->Add(AllClear("school-" + std::to_string(i)));
    senders.push_back(
        std::make_unique<Sender>(context, *spools.back(), clock_, Options({router.endpoint()})));
  }
  auto all_acked = [&] {
    for (auto& s : spools) {
      if (s->Counts().acked != 4) return false;
    }
    return true;
  };
  for (int round = 0; round < 1000 && !all_acked(); ++round) {
    for (auto& s : senders) s->Step();
  }
  EXPECT_TRUE(all_acked());
  EXPECT_EQ(router.received(), 20);
}

TEST_F(SenderTest, WrongServerKeyIsExplainedInTheSpool) {
  TestRouter router(server_keys_, TestRouter::Storing());
  const auto r = Add();
  SenderOptions options = Options({router.endpoint()});
  options.server_public_key = wire::GenerateCurveKeyPair().public_z85;  // not the daemon's
  Sender sender(*spool_, clock_, options);
  ASSERT_TRUE(StepUntil(sender, [&] { return !sender.last_problem().empty(); }));
  EXPECT_NE(sender.last_problem().find("CURVE handshake failed"), std::string::npos)
      << sender.last_problem();
  clock_.Advance(options.ack_timeout);
  sender.Step();
  const std::string error = spool_->Get(r.report_id)->last_error;
  EXPECT_NE(error.find("no acknowledgement"), std::string::npos) << error;
  EXPECT_NE(error.find("server_public_key"), std::string::npos) << error;
  EXPECT_EQ(router.received(), 0);
}

TEST_F(SenderTest, UnreachableDaemonIsExplained) {
  std::string endpoint;
  { endpoint = TestRouter(server_keys_, TestRouter::Silent()).endpoint(); }  // port now closed
  Add();
  Sender sender(*spool_, clock_, Options({endpoint}));
  ASSERT_TRUE(StepUntil(sender, [&] { return !sender.last_problem().empty(); }));
  EXPECT_NE(sender.last_problem().find("cannot connect"), std::string::npos)
      << sender.last_problem();
}

}  // namespace
}  // namespace pingan::agent

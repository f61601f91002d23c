// ReportServer and ZapAuthenticator against what a hostile or broken peer does: a key
// revoked while its connection stays open, a school over its report rate, forged
// text in report ids, floods of rejected frames and refused handshakes. Real sockets
// in process; time is the harness's FakeClock.
#include <gtest/gtest.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include <mutex>

#include "daemon/core/text.h"
#include "daemon/ingest/report_server.h"
#include "tests/ingest/ingest_harness.h"

namespace pingan::testing {
namespace {

using std::chrono::seconds;

struct Enrolled {
  wire::CurveKeyPair a = wire::GenerateCurveKeyPair();
  wire::CurveKeyPair b = wire::GenerateCurveKeyPair();
  wire::SchoolKeys Keys() const { return {{"sch-a", a.public_z85}, {"sch-b", b.public_z85}}; }
};

// Captures everything spdlog writes while it lives, one "LOG " prefix per line, so a
// test can tell the logger's own lines from anything a peer tried to start. Read
// while the io thread may still write: guarded by a mutex of its own. Swapping the
// default logger is not safe while another thread logs (spdlog reads it unlocked), so
// a test makes it before its harness starts the io thread and ends it after.
class CapturedLog {
 public:
  CapturedLog() : previous_(spdlog::default_logger()), sink_(std::make_shared<Sink>()) {
    auto logger = std::make_shared<spdlog::logger>("captured", sink_);
    logger->set_pattern("LOG %l %v");
    logger->set_level(spdlog::level::debug);
    spdlog::set_default_logger(logger);
  }
  ~CapturedLog() { spdlog::set_default_logger(previous_); }
  std::string Text() const { return sink_->Text(); }
  std::vector<std::string> Lines() const {
    std::vector<std::string> lines;
    const std::string text = Text();
    for (std::string_view line : core::SplitLines(text)) lines.emplace_back(line);
    return lines;
  }
  size_t CountContaining(std::string_view needle) const {
    size_t n = 0;
    for (const std::string& line : Lines()) n += line.find(needle) != std::string::npos;
    return n;
  }

 private:
  class Sink : public spdlog::sinks::base_sink<std::mutex> {
   public:
    std::string Text() const {
      std::lock_guard lock(text_mutex_);
      return text_;
    }

   protected:
    void sink_it_(const spdlog::details::log_msg& msg) override {
      spdlog::memory_buf_t formatted;
      formatter_->format(msg, formatted);
      std::lock_guard lock(text_mutex_);
      text_.append(formatted.data(), formatted.size());
    }
    void flush_() override {}

   private:
    mutable std::mutex text_mutex_;
    std::string text_;
  };
  std::shared_ptr<spdlog::logger> previous_;
  std::shared_ptr<Sink> sink_;
};

std::optional<wire::Ack> SendAndWait(TestClient& client, const core::Report& report) {
  client.Send(report);
  return client.NextAck();
}

TEST(IngestLimits, ARevokedKeyIsRefusedOnItsOpenConnectionAndNothingIsStored) {
  Enrolled keys;
  IngestHarness h(keys.Keys());
  h.Start();
  TestClient a(h, keys.a);
  auto ack = SendAndWait(a, SampleAllClear("sch-a", 1));
  ASSERT_TRUE(ack);
  ASSERT_EQ(ack->status, wire::AckStatus::kStored);

  h.SetKeys({{"sch-b", keys.b.public_z85}});  // sch-a revoked; its connection stays open
  const core::Report after = SampleAllClear("sch-a", 2);
  ack = SendAndWait(a, after);
  ASSERT_TRUE(ack) << "the open connection is still answered";
  EXPECT_EQ(ack->report_id, after.report_id);
  EXPECT_EQ(ack->status, wire::AckStatus::kRejected);
  EXPECT_EQ(ack->reason, core::RejectReason::kKeyRevoked);
  EXPECT_TRUE(core::IsTransient(*ack->reason)) << "the agent keeps it for its next key";
  EXPECT_EQ(h.StoredRows(), 1);
  EXPECT_EQ(h.Stats().rejected_by_reason[core::RejectReason::kKeyRevoked], 1u);

  TestClient b(h, keys.b);
  ack = SendAndWait(b, SampleAllClear("sch-b", 3));
  ASSERT_TRUE(ack);
  EXPECT_EQ(ack->status, wire::AckStatus::kStored) << "other schools are untouched";
}

TEST(IngestLimits, AReplacedKeyIsRefusedWhileTheNewKeyWorks) {
  Enrolled keys;
  IngestHarness h(keys.Keys());
  h.Start();
  TestClient old_key(h, keys.a);
  ASSERT_EQ(SendAndWait(old_key, SampleAllClear("sch-a", 1))->status, wire::AckStatus::kStored);

  const wire::CurveKeyPair replacement = wire::GenerateCurveKeyPair();
  h.SetKeys({{"sch-a", replacement.public_z85}, {"sch-b", keys.b.public_z85}});
  auto ack = SendAndWait(old_key, SampleAllClear("sch-a", 2));
  ASSERT_TRUE(ack);
  EXPECT_EQ(ack->reason, core::RejectReason::kKeyRevoked) << "same school, old key";

  TestClient new_key(h, replacement);
  ack = SendAndWait(new_key, SampleAllClear("sch-a", 2));
  ASSERT_TRUE(ack);
  EXPECT_EQ(ack->status, wire::AckStatus::kStored);
  // Enrolled again (e.g. a revocation undone): the old connection works again.
  h.SetKeys(keys.Keys());
  ack = SendAndWait(old_key, SampleAllClear("sch-a", 3));
  ASSERT_TRUE(ack);
  EXPECT_EQ(ack->status, wire::AckStatus::kStored);
}

TEST(IngestLimits, OverItsRateASchoolGetsATransientAnswerAndOthersDoNot) {
  Enrolled keys;
  IngestHarness h(keys.Keys());
  h.options().per_school_rate = {.per_second = 1, .burst = 3};
  h.Start();
  TestClient a(h, keys.a), b(h, keys.b);
  int stored = 0, limited = 0;
  for (int n = 0; n < 5; ++n) {
    auto ack = SendAndWait(a, SampleAllClear("sch-a", n));
    ASSERT_TRUE(ack);
    if (ack->status == wire::AckStatus::kStored) ++stored;
    if (ack->reason == core::RejectReason::kRateLimited) {
      ++limited;
      EXPECT_TRUE(core::IsTransient(*ack->reason));
    }
  }
  EXPECT_EQ(stored, 3);
  EXPECT_EQ(limited, 2);
  EXPECT_EQ(SendAndWait(b, SampleAllClear("sch-b", 9))->status, wire::AckStatus::kStored);

  // A second later the same report goes through: resending is what the agent does.
  h.clock().Advance(seconds{1});
  EXPECT_EQ(SendAndWait(a, SampleAllClear("sch-a", 4))->status, wire::AckStatus::kStored);
  EXPECT_EQ(h.Stats().rejected_by_reason[core::RejectReason::kRateLimited], 2u);
  EXPECT_EQ(h.StoredRows(), 5);
}

TEST(IngestLimits, AForgedReportIdIsLoggedEscapedAndCut) {
  Enrolled keys;
  CapturedLog log;  // before the harness: swapped while no io thread logs
  IngestHarness h(keys.Keys());
  h.Start();
  TestClient a(h, keys.a);
  core::Report forged = SampleAllClear("sch-a", 1);
  forged.report_id = "x\n[2026-01-01 00:00:00.000] [pingand] [error] FORGED";
  auto ack = SendAndWait(a, forged);
  ASSERT_TRUE(ack);
  EXPECT_EQ(ack->reason, core::RejectReason::kBadReportId);
  core::Report huge = SampleAllClear("sch-a", 2);
  huge.report_id = std::string(60000, 'y');
  ack = SendAndWait(a, huge);
  ASSERT_TRUE(ack);
  EXPECT_EQ(ack->reason, core::RejectReason::kBadReportId);

  for (const std::string& line : log.Lines()) {
    EXPECT_TRUE(line.starts_with("LOG ")) << "a peer started a line: " << line << "\nall:\n"
                                          << log.Text();
    EXPECT_LT(line.size(), 600u) << "a 60 KB id must not make a 60 KB line";
  }
  EXPECT_EQ(log.CountContaining("x\\x0a[2026-01-01"), 1u);
  EXPECT_EQ(log.CountContaining("\u2026(60000 bytes)"), 1u);
}

TEST(IngestLimits, AFloodOfBadFramesIsCountedButLoggedAFewTimesAMinute) {
  Enrolled keys;
  CapturedLog log;  // before the harness: swapped while no io thread logs
  IngestHarness h(keys.Keys());
  h.options().per_school_rate = {.per_second = 1000, .burst = 1000};
  h.Start();
  TestClient a(h, keys.a);
  constexpr int kFrames = 300;
  for (int n = 0; n < kFrames; ++n) a.SendFrame("not a pingan envelope \xff");
  for (int n = 0; n < kFrames; ++n) ASSERT_TRUE(a.NextAck()) << n;

  const ingest::ReportServerStats stats = h.Stats();
  EXPECT_EQ(stats.rejected_by_reason.at(core::RejectReason::kMalformed), uint64_t{kFrames});
  const core::LogLimits limits;
  EXPECT_EQ(log.CountContaining("rejected report"), static_cast<size_t>(limits.per_key));
  EXPECT_EQ(stats.log_lines_suppressed, kFrames - static_cast<uint64_t>(limits.per_key));

  // When the minute is over, the next line is preceded by one summary.
  h.clock().Advance(limits.window);
  a.SendFrame("still not an envelope");
  ASSERT_TRUE(a.NextAck());
  EXPECT_EQ(log.CountContaining("295 more lines like 'rejected malformed from sch-a'"), 1u);
  EXPECT_EQ(log.CountContaining("rejected report"), static_cast<size_t>(limits.per_key) + 1);
}

TEST(IngestLimits, RefusedHandshakesAreCountedAndTheirLogIsBounded) {
  Enrolled keys;
  CapturedLog log;  // before the harness: swapped while no io thread logs
  IngestHarness h(keys.Keys());
  h.Start();
  constexpr int kStrangers = 12;
  std::vector<std::unique_ptr<TestClient>> strangers;
  for (int i = 0; i < kStrangers; ++i) {
    strangers.push_back(std::make_unique<TestClient>(h, wire::GenerateCurveKeyPair()));
  }
  for (auto& s : strangers) ASSERT_TRUE(s->WaitEvent(ZMQ_EVENT_HANDSHAKE_FAILED_AUTH));
  const ingest::ZapStats stats = h.ZapStats();
  EXPECT_GE(stats.denied_unknown_key, uint64_t{kStrangers});
  EXPECT_EQ(stats.accepted, 0u);
  const core::LogLimits limits;
  EXPECT_EQ(log.CountContaining("zap: refused CURVE client"), static_cast<size_t>(limits.per_key))
      << "all from 127.0.0.1: one peer\n"
      << log.Text();
  EXPECT_EQ(stats.log_lines_suppressed, stats.denied_unknown_key - limits.per_key);
}

}  // namespace
}  // namespace pingan::testing

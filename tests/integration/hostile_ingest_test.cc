// A real pingand against peers that misbehave on purpose (issue 10): a forged line in
// a report id, floods of bad frames and of unknown keys, a key revoked while its
// connection stays open, a school over its report rate. Real sockets, the daemon's
// real log (its stderr, to a file); waits poll with deadlines, never fixed sleeps.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include <zmq.hpp>

#include "agents/report_builder.h"
#include "daemon/core/text.h"
#include "daemon/core/uuid.h"
#include "daemon/ingest/codec.h"
#include "tests/fakes/temp_dir.h"
#include "tests/integration/daemon_process.h"
#include "tests/integration/raw_agent.h"
#include "tests/integration/school_fleet.h"

namespace pingan::testing {
namespace {

using namespace std::chrono_literals;
using SteadyClock = std::chrono::steady_clock;

const date::year_month_day kToday{date::floor<date::days>(std::chrono::system_clock::now())};

std::vector<std::string> ReadLines(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  std::vector<std::string> lines;
  const std::string all = text.str();
  for (std::string_view line : core::SplitLines(all)) lines.emplace_back(line);
  return lines;
}

size_t CountContaining(const std::vector<std::string>& lines, std::string_view needle) {
  size_t n = 0;
  for (const std::string& line : lines) n += line.find(needle) != std::string::npos;
  return n;
}

// Polls `done` until it holds or `budget` passes.
template <typename F>
bool Eventually(F done, std::chrono::milliseconds budget) {
  const auto until = SteadyClock::now() + budget;
  while (!done()) {
    if (SteadyClock::now() >= until) return false;
    std::this_thread::sleep_for(20ms);
  }
  return true;
}

class HostileIngest : public ::testing::Test {
 protected:
  void StartDaemon(const std::vector<std::string>& extra = {}) {
    daemon_.set_log_file(log_);
    daemon_.Start();  // creates the daemon key
    daemon_.Kill(SIGTERM);
    keys_ = daemon_.Enroll("s1");
    daemon_.set_log_level("info");  // rejections are logged at info
    endpoint_ = daemon_.Start(extra);
  }
  std::unique_ptr<RawAgent> Agent() {
    return std::make_unique<RawAgent>(context_, endpoint_, daemon_.ServerPublicKey(), keys_);
  }
  nlohmann::json Ingest() { return daemon_.Control("status")["ingest"]; }

  TempDir dir_;
  const std::string log_ = dir_.File("pingand.log");
  DaemonProcess daemon_{dir_.File("data")};
  zmq::context_t context_;
  wire::CurveKeyPair keys_;
  std::string endpoint_;
};

TEST_F(HostileIngest, AForgedNewlineInAReportIdNeverStartsALogLine) {
  StartDaemon();
  auto agent = Agent();
  core::Report forged = AllClear("s1");
  forged.report_id = "x\n[2026-01-01 00:00:00.000] [pingand] [error] FORGED";
  agent->Send(forged);
  auto ack = agent->NextAck();
  ASSERT_TRUE(ack);
  EXPECT_EQ(ack->reason, core::RejectReason::kBadReportId);
  core::Report huge = AllClear("s1");
  huge.report_id = std::string(60000, 'y');
  agent->Send(huge);
  ack = agent->NextAck();
  ASSERT_TRUE(ack);
  EXPECT_EQ(ack->reason, core::RejectReason::kBadReportId);

  // The log is the daemon's unbuffered stderr: written before the ack was sent.
  const auto lines = ReadLines(log_);
  for (const std::string& line : lines) {
    EXPECT_FALSE(line.starts_with("[2026-01-01")) << "a peer started a line: " << line;
    EXPECT_LT(line.size(), 600u) << "a 60 KB id must not make a 60 KB line";
  }
  EXPECT_EQ(CountContaining(lines, "FORGED"), 1u);
  EXPECT_EQ(CountContaining(lines, "rejected report x\\x0a[2026-01-01 00:00:00.000]"), 1u);
  EXPECT_EQ(CountContaining(lines, "\u2026(60000 bytes)"), 1u);
}

// Found from outside: any canonical UUID was accepted as a report id (the nil one too),
// an empty frame was answered UNSUPPORTED_VERSION and a summary that is not UTF-8
// MALFORMED without its report id. Each now gets the reason the protocol names.
TEST_F(HostileIngest, EveryMalformedReportGetsTheReasonTheProtocolNames) {
  StartDaemon();
  auto agent = Agent();
  auto answer = [&](const std::string& frame) {
    agent->SendFrame(frame);
    return agent->NextAck();
  };
  for (const char* id :
       {"00000000-0000-0000-0000-000000000000", "0192f7a0-1b2c-4d3e-8f40-123456789abc"}) {
    core::Report r = AllClear("s1");
    r.report_id = id;
    const auto ack = answer(wire::EncodeReportFrame(r));
    ASSERT_TRUE(ack.has_value());
    EXPECT_EQ(ack->status, wire::AckStatus::kRejected) << id;
    EXPECT_EQ(ack->reason, core::RejectReason::kBadReportId) << id;
  }
  const auto empty = answer("");
  ASSERT_TRUE(empty.has_value());
  EXPECT_EQ(empty->reason, core::RejectReason::kMalformed);

  core::Report incident = AllClear("s1");
  incident.kind = core::ReportKind::kIncident;
  incident.incident = core::Incident{core::IncidentCategory::kFire,
                                     core::Severity::kIII,
                                     incident.agent_time,
                                     std::string("\xc3\x28"),
                                     0,
                                     0,
                                     0,
                                     false};
  const auto text = answer(wire::EncodeReportFrame(incident));
  ASSERT_TRUE(text.has_value());
  EXPECT_EQ(text->reason, core::RejectReason::kTextTooLong);
  EXPECT_EQ(text->report_id, incident.report_id) << "the agent can match the answer";
  EXPECT_EQ(Ingest()["stored"], 0);
}

// Found from outside: a daemon clock more than 10 minutes slow refused fresh incidents
// with a permanent reason, so the agent never resent them. The answer is transient now,
// and the same report is stored once the clock is right.
TEST_F(HostileIngest, AnIncidentAheadOfASlowDaemonClockIsStoredOnceTheClockIsRight) {
  const auto real_now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  StartDaemon({"--clock", "drill", "--start", date::format("%FT%T+00:00", real_now - 2h)});
  auto agent = Agent();
  core::Report incident = AllClear("s1");
  incident.kind = core::ReportKind::kIncident;
  incident.incident = core::Incident{core::IncidentCategory::kFire,
                                     core::Severity::kII,
                                     incident.agent_time,
                                     "实验室起火",
                                     0,
                                     0,
                                     0,
                                     true};
  agent->Send(incident);
  const auto early = agent->NextAck();
  ASSERT_TRUE(early.has_value());
  EXPECT_EQ(early->status, wire::AckStatus::kRejected);
  EXPECT_EQ(early->reason, core::RejectReason::kAheadOfDaemonClock);
  EXPECT_TRUE(core::IsTransient(*early->reason)) << "the agent keeps it and resends";

  daemon_.Control("clock.advance", {{"by", "3h"}});
  agent->Send(incident);
  const auto later = agent->NextAck();
  ASSERT_TRUE(later.has_value());
  EXPECT_EQ(later->status, wire::AckStatus::kStored);
}

TEST_F(HostileIngest, FloodsOfBadFramesAndUnknownKeysGiveABoundedNumberOfLogLines) {
  StartDaemon();
  ASSERT_TRUE(
      Eventually([&] { return CountContaining(ReadLines(log_), "listening on") == 1; }, 5s));
  const size_t lines_before = ReadLines(log_).size();
  auto agent = Agent();
  constexpr int kFrames = 400;
  for (int n = 0; n < kFrames; ++n) agent->SendFrame("garbage \xff\n[forged] line");
  for (int n = 0; n < kFrames; ++n) ASSERT_TRUE(agent->NextAck()) << n;

  std::vector<std::unique_ptr<RawAgent>> strangers;
  constexpr int kStrangers = 20;
  for (int i = 0; i < kStrangers; ++i) {
    strangers.push_back(std::make_unique<RawAgent>(context_, endpoint_, daemon_.ServerPublicKey(),
                                                   wire::GenerateCurveKeyPair()));
  }
  ASSERT_TRUE(Eventually(
      [&] { return Ingest()["handshakes"]["denied_unknown_key"].get<int>() >= kStrangers; }, 10s));
  strangers.clear();

  const nlohmann::json ingest = Ingest();
  // Every frame is counted; the first 200 (the burst) as malformed, the rest as over
  // the school's rate.
  EXPECT_EQ(ingest["rejected"], kFrames);
  EXPECT_EQ(ingest["rejected_by_reason"]["malformed"].get<int>() +
                ingest["rejected_by_reason"].value("rate_limited", 0),
            kFrames);
  EXPECT_GT(ingest["log_lines_suppressed"].get<int>(), kFrames - 20);
  EXPECT_GT(ingest["handshakes"]["log_lines_suppressed"].get<int>(), 0);

  const auto lines = ReadLines(log_);
  // Five lines per peer and reason and minute (malformed, rate_limited; one peer).
  EXPECT_LE(CountContaining(lines, "ingest: rejected report"), 10u);
  EXPECT_LE(CountContaining(lines, "zap: refused CURVE client"), 5u);
  EXPECT_LE(lines.size() - lines_before, 16u) << "both floods together";
}

TEST_F(HostileIngest, ARevokedKeyIsRefusedOnItsOpenConnectionWithinASecond) {
  StartDaemon();
  auto agent = Agent();
  agent->Send(AllClear("s1"));
  auto ack = agent->NextAck();
  ASSERT_TRUE(ack);
  ASSERT_EQ(ack->status, wire::AckStatus::kStored);

  daemon_.Control("keys.revoke", {{"school", "s1"}});
  const auto revoked_at = SteadyClock::now();
  // The agent keeps its connection and goes on reporting; within a second its reports
  // are refused. (In fact at once: the key set is reloaded before the command answers.)
  std::optional<wire::Ack> refused;
  while (SteadyClock::now() < revoked_at + 1s) {
    agent->Send(AllClear("s1"));
    ack = agent->NextAck(1s);
    ASSERT_TRUE(ack) << "the open connection is still answered";
    if (ack->reason == core::RejectReason::kKeyRevoked) {
      refused = ack;
      break;
    }
    std::this_thread::sleep_for(50ms);
  }
  ASSERT_TRUE(refused) << "still accepted a second after the revocation";
  EXPECT_LT(SteadyClock::now() - revoked_at, 1s);
  EXPECT_EQ(refused->status, wire::AckStatus::kRejected);
  const int64_t stored = daemon_.Control("status")["reports"].get<int64_t>();
  for (int n = 0; n < 5; ++n) {
    agent->Send(AllClear("s1"));
    ack = agent->NextAck();
    ASSERT_TRUE(ack);
    EXPECT_EQ(ack->reason, core::RejectReason::kKeyRevoked);
  }
  EXPECT_EQ(daemon_.Control("status")["reports"].get<int64_t>(), stored) << "nothing stored";
  EXPECT_GE(Ingest()["rejected_by_reason"]["key_revoked"].get<int>(), 6);
}

TEST_F(HostileIngest, OverItsRateASchoolIsToldToResendAndTheAgentDeliversLater) {
  const std::string config = dir_.File("pingand.yaml");
  std::ofstream(config) << "ingest:\n  per_school_rate: 5\n  per_school_burst: 2\n";
  StartDaemon({"--config", config});
  SchoolFleet fleet({{"s1", keys_}}, endpoint_, daemon_.ServerPublicKey());
  constexpr int kReports = 12;
  for (int n = 0; n < kReports; ++n) {
    fleet.QueueAllClear(0, date::sys_days{kToday} - date::days{n});
  }
  fleet.StartDelivery(60s);
  fleet.Join();
  EXPECT_EQ(fleet.Pending(), 0) << "every report delivered in the end";
  EXPECT_EQ(daemon_.Control("status")["reports"], kReports);
  EXPECT_GT(Ingest()["rejected_by_reason"].value("rate_limited", 0), 0)
      << "the agent sends its spool at once: more than 2 at a time were refused";
}

}  // namespace
}  // namespace pingan::testing

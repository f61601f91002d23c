#include "agents/commands.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "agents/spool.h"
#include "tests/agents/test_router.h"
#include "tests/fakes/temp_dir.h"

namespace pingan::agent {
namespace {

using testing::Answer;
using testing::TestRouter;

// Runs the subcommands as main.cc does, on a clock that moves a few ms per reading, so
// a command waiting for an ack that never comes ends after a few hundred readings.
class CommandsTest : public ::testing::Test {
 protected:
  CommandsTest() {
    EXPECT_TRUE(std::holds_alternative<std::monostate>(
        wire::WriteKeyPair(dir_.File("school"), wire::GenerateCurveKeyPair())));
    config_.school_id = "school-1";
    config_.server_public_key = server_keys_.public_z85;
    config_.key_file = dir_.File("school.key");
    config_.spool_path = dir_.File("spool.db");
    config_.ack_timeout = std::chrono::seconds{30};
  }
  int Run(const std::function<int(CommandIo&)>& command) {
    out_.str("");
    err_.str("");
    CommandIo io{out_, err_, clock_, [](core::Millis) { return false; }};
    return command(io);
  }
  int AllClear(core::Millis wait = std::chrono::seconds{30}) {
    return Run([&](CommandIo& io) {
      return SubmitReport(
          config_, [](const ReportContext& c) { return BuildAllClear(c, std::nullopt); }, wait, io);
    });
  }
  int Incident(const IncidentInput& input) {
    return Run([&](CommandIo& io) {
      return SubmitReport(
          config_, [&](const ReportContext& c) { return BuildIncident(c, input); },
          std::chrono::seconds{30}, io);
    });
  }
  SpoolCounts Counts() {
    auto spool =
        std::move(std::get<std::unique_ptr<Spool>>(Spool::Open(config_.spool_path, clock_)));
    return spool->Counts();
  }

  testing::TempDir dir_;
  testing::SteppingClock clock_{testing::kAgentNow, core::Millis{5}};
  wire::CurveKeyPair server_keys_ = wire::GenerateCurveKeyPair();
  AgentConfig config_;
  std::ostringstream out_;
  std::ostringstream err_;
};

TEST_F(CommandsTest, AllClearIsStored) {
  TestRouter router(server_keys_, TestRouter::Storing());
  config_.endpoints = {router.endpoint()};
  EXPECT_EQ(AllClear(), kExitOk) << err_.str();
  EXPECT_NE(out_.str().find("spooled all_clear report"), std::string::npos);
  EXPECT_NE(out_.str().find(": stored\n"), std::string::npos) << out_.str();
  EXPECT_EQ(Counts().acked, 1);
}

TEST_F(CommandsTest, RejectionByTheDaemonExitsThree) {
  TestRouter router(server_keys_, [](const core::Report& r, int) {
    return Answer(r, wire::AckStatus::kRejected, core::RejectReason::kSchoolMismatch,
                  "the key belongs to school-9");
  });
  config_.endpoints = {router.endpoint()};
  EXPECT_EQ(AllClear(), kExitRejected);
  EXPECT_NE(out_.str().find("rejected: school_mismatch the key belongs to school-9"),
            std::string::npos)
      << out_.str();
  EXPECT_EQ(Counts().rejected, 1);
}

TEST_F(CommandsTest, SilentDaemonLeavesTheReportSpooled) {
  TestRouter router(server_keys_, TestRouter::Silent());
  config_.endpoints = {router.endpoint()};
  config_.ack_timeout = std::chrono::seconds{1};
  clock_.set_step(core::Millis{25});
  EXPECT_EQ(AllClear(std::chrono::seconds{2}), kExitOk);
  EXPECT_NE(out_.str().find("spooled, not yet acknowledged: will be resent by `pingan-agent run`"),
            std::string::npos)
      << out_.str();
  EXPECT_NE(out_.str().find("no acknowledgement from"), std::string::npos);
  EXPECT_EQ(Counts().pending, 1);
  EXPECT_GE(router.received(), 1);
}

TEST_F(CommandsTest, BadInputIsRefusedAndNothingIsSpooled) {
  config_.endpoints = {"tcp://127.0.0.1:1"};
  IncidentInput input{"fire", "V", "厨房起火", std::nullopt, 0, 0, 0, false, std::nullopt};
  EXPECT_EQ(Incident(input), kExitRefused);
  EXPECT_NE(err_.str().find("severity 'V'"), std::string::npos) << err_.str();
  EXPECT_NE(err_.str().find("nothing was spooled"), std::string::npos);
  input.severity = "I";
  input.summary = std::string(5000, 'x');
  EXPECT_EQ(Incident(input), kExitRefused);
  EXPECT_NE(err_.str().find("text_too_long"), std::string::npos) << err_.str();
  EXPECT_FALSE(std::filesystem::exists(config_.spool_path));
}

TEST_F(CommandsTest, MissingSettingsAreReportedBeforeSpooling) {
  config_.endpoints = {"tcp://127.0.0.1:1"};
  config_.key_file = dir_.File("nope.key");
  EXPECT_EQ(AllClear(), kExitFailure);
  EXPECT_NE(err_.str().find("nope.key"), std::string::npos);
  config_.school_id.clear();
  EXPECT_EQ(AllClear(), kExitFailure);
  EXPECT_NE(err_.str().find("school_id"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(config_.spool_path));
}

TEST_F(CommandsTest, StatusNeverShowsIncidentText) {
  TestRouter router(server_keys_, TestRouter::Storing());
  config_.endpoints = {router.endpoint()};
  const std::string secret = "三年级二班学生在操场摔伤";
  ASSERT_EQ(Incident({"campus_injury", "IV", secret, std::nullopt, 1, 0, 0, false, std::nullopt}),
            kExitOk);
  ASSERT_EQ(Run([&](CommandIo& io) { return ShowStatus(config_, false, 10, io); }), kExitOk);
  EXPECT_NE(out_.str().find("acked: 1"), std::string::npos) << out_.str();
  EXPECT_NE(out_.str().find("incident"), std::string::npos);
  EXPECT_NE(out_.str().find("acked (stored)"), std::string::npos);
  EXPECT_EQ(out_.str().find(secret), std::string::npos);

  ASSERT_EQ(Run([&](CommandIo& io) { return ShowStatus(config_, true, 10, io); }), kExitOk);
  const auto json = nlohmann::json::parse(out_.str());
  EXPECT_EQ(json["acked"], 1);
  EXPECT_EQ(json["pending"], 0);
  EXPECT_EQ(json["recent"][0]["kind"], "incident");
  EXPECT_EQ(json["recent"][0]["ack_status"], "stored");
  EXPECT_EQ(out_.str().find(secret), std::string::npos);
}

TEST_F(CommandsTest, StatusWithoutASpoolDoesNotCreateOne) {
  EXPECT_EQ(Run([&](CommandIo& io) { return ShowStatus(config_, false, 10, io); }), kExitOk);
  EXPECT_NE(out_.str().find("no spool"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(config_.spool_path));
}

TEST_F(CommandsTest, RunDeliversWhatOthersSpooledAndStops) {
  TestRouter router(server_keys_, TestRouter::Storing());
  config_.endpoints = {router.endpoint()};
  {
    auto spool =
        std::move(std::get<std::unique_ptr<Spool>>(Spool::Open(config_.spool_path, clock_)));
    for (int i = 0; i < 3; ++i) spool->Add(testing::AllClear("school-1", clock_.Now()));
  }
  int idle_waits = 0;
  CommandIo io{out_, err_, clock_, [&](core::Millis pause) {
                 // Stop at the first idle pause once everything was answered.
                 if (pause > core::Millis{0}) ++idle_waits;
                 return pause > core::Millis{0} && router.received() >= 3;
               }};
  EXPECT_EQ(RunService(config_, std::chrono::seconds{1}, io), kExitOk);
  EXPECT_EQ(Counts().acked, 3);
  EXPECT_GE(idle_waits, 1);
}

TEST_F(CommandsTest, KeygenWritesAPrivateKeyAndRefusesToOverwrite) {
  const std::string base = dir_.File("new-school");
  EXPECT_EQ(Run([&](CommandIo& io) { return RunKeygen(base, io); }), kExitOk);
  struct stat st {};
  ASSERT_EQ(::stat((base + ".key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto keys = wire::ReadSecretKeyFile(base + ".key");
  ASSERT_TRUE(std::holds_alternative<wire::CurveKeyPair>(keys));
  auto pub = wire::ReadPublicKeyFile(base + ".pub");
  ASSERT_TRUE(std::holds_alternative<std::string>(pub));
  EXPECT_EQ(std::get<std::string>(pub), std::get<wire::CurveKeyPair>(keys).public_z85);
  EXPECT_NE(out_.str().find(std::get<std::string>(pub)), std::string::npos);

  EXPECT_EQ(Run([&](CommandIo& io) { return RunKeygen(base, io); }), kExitFailure);
  EXPECT_NE(err_.str().find("refusing to overwrite"), std::string::npos);
  auto again = wire::ReadSecretKeyFile(base + ".key");
  EXPECT_EQ(std::get<wire::CurveKeyPair>(again).secret_z85,
            std::get<wire::CurveKeyPair>(keys).secret_z85);
}

}  // namespace
}  // namespace pingan::agent

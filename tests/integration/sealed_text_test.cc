// Protected text is sealed at rest (issue 11, item 5; issue 13 for hand-over notes): a
// real pingand stores an incident's summary, a follow-up note and a signed hand-over's
// note; none is in the database files, all read back through the daemon, and a daemon
// that lost its text.key says so instead of answering with empty or garbled text.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <zmq.hpp>

#include "tests/fakes/temp_dir.h"
#include "tests/integration/daemon_process.h"
#include "tests/integration/raw_agent.h"
#include "tests/integration/school_fleet.h"

namespace pingan::testing {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

const std::string kSummary = "三楼化学实验室起火，王老师组织撤离";
const std::string kNote = "已回访家长李女士，情绪稳定";
const std::string kHandoverNote = "第一小学张校长电话未通，明早再打";

// Every database file of the directory (main file, WAL, shared memory), as bytes.
std::string DatabaseBytes(const std::string& data_dir) {
  std::string all;
  for (const auto& entry : fs::directory_iterator(data_dir)) {
    if (entry.path().filename().string().rfind("pingan.db", 0) != 0) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    all += bytes.str();
  }
  return all;
}

TEST(SealedText, SummariesAndNotesAreNotInTheDatabaseFilesButReadBack) {
  TempDir dir;
  DaemonProcess daemon(dir.File("data"));
  daemon.Start();  // creates the daemon key
  daemon.Kill(SIGTERM);
  const wire::CurveKeyPair keys = daemon.Enroll("s1");
  const std::string endpoint = daemon.Start();

  zmq::context_t context;
  RawAgent agent(context, endpoint, daemon.ServerPublicKey(), keys);
  core::Report incident = AllClear("s1");
  incident.kind = core::ReportKind::kIncident;
  incident.incident = core::Incident{core::IncidentCategory::kFire,
                                     core::Severity::kIII,
                                     incident.agent_time,
                                     kSummary,
                                     0,
                                     0,
                                     0,
                                     false};
  agent.Send(incident);
  const auto ack = agent.NextAck();
  ASSERT_TRUE(ack.has_value());
  ASSERT_EQ(ack->status, wire::AckStatus::kStored);
  daemon.Control("incident.note", {{"id", incident.report_id}, {"who", "duty"}, {"text", kNote}});

  nlohmann::json shown;
  for (int i = 0; i < 500; ++i) {  // the note is written by the writer thread
    shown = daemon.Control("incident.show", {{"id", incident.report_id}, {"with_text", true}});
    if (!shown["notes"].empty()) break;
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_EQ(shown["summary"], kSummary);
  ASSERT_EQ(shown["notes"].size(), 1u);
  EXPECT_EQ(shown["notes"][0]["text"], kNote);
  // The hand-over note names people too: sealed as well.
  daemon.Control("handover.sign", {{"note", kHandoverNote}, {"who", "duty"}});
  nlohmann::json handovers;
  for (int i = 0; i < 500; ++i) {
    handovers = daemon.Control("handover.list");
    if (!handovers.empty()) break;
    std::this_thread::sleep_for(10ms);
  }
  ASSERT_EQ(handovers.size(), 1u);
  EXPECT_EQ(handovers[0]["note"], kHandoverNote);

  const std::string bytes = DatabaseBytes(dir.File("data"));
  EXPECT_GT(bytes.size(), 0u);
  EXPECT_EQ(bytes.find(kSummary), std::string::npos) << "the summary is sealed";
  EXPECT_EQ(bytes.find(kNote), std::string::npos) << "the note is sealed";
  EXPECT_EQ(bytes.find(kHandoverNote), std::string::npos) << "the hand-over note is sealed";
  EXPECT_NE(bytes.find(handovers[0]["id"].get<std::string>()), std::string::npos)
      << "the hand-over itself is there";
  EXPECT_NE(bytes.find(incident.report_id), std::string::npos) << "the report itself is there";

  struct stat st {};
  ASSERT_EQ(::stat(dir.File("data/text.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  // Without its key the daemon starts (a new key for new text) but refuses to show the
  // old text, loudly.
  daemon.Kill(SIGTERM);
  fs::rename(dir.File("data/text.key"), dir.File("text.key.moved"));
  daemon.Start();
  try {
    daemon.Control("incident.show", {{"id", incident.report_id}, {"with_text", true}});
    ADD_FAILURE() << "old text shown without its key";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("text.key"), std::string::npos) << e.what();
  }
  // Put back, it reads again.
  daemon.Kill(SIGTERM);
  fs::rename(dir.File("text.key.moved"), dir.File("data/text.key"));
  daemon.Start();
  EXPECT_EQ(
      daemon.Control("incident.show", {{"id", incident.report_id}, {"with_text", true}})["summary"],
      kSummary);
  EXPECT_EQ(daemon.Kill(SIGTERM), 0);
}

}  // namespace
}  // namespace pingan::testing

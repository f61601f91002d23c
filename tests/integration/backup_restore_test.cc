// Backup and restore from outside (issue 12, item 5): `pinganctl backup` on a live
// pingand while schools keep sending, then the procedure of docs/operations.md ("Back
// up and restore"): the files the answer lists copied to a new data directory,
// `pinganctl restore`, a fresh pingand on it. Every report acknowledged before the
// backup was asked for must then be answered DUPLICATE when its school sends it again.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <fstream>
#include <map>
#include <sstream>

#include "daemon/store/database.h"
#include "daemon/store/report_repository.h"
#include "tests/integration/ctl_run.h"
#include "tests/integration/daemon_process.h"
#include "tests/integration/raw_agent.h"
#include "tests/integration/school_fleet.h"

namespace pingan::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using nlohmann::json;

const date::year_month_day kToday{date::floor<date::days>(std::chrono::system_clock::now())};

// The real pinganctl binary, its output captured in files under `dir`.
CtlRun Ctl(const TempDir& dir, const std::vector<std::string>& args) {
  return RunPinganctl(dir, args);
}

// What the operator keeps separately, copied into `to` under the same names.
void CopyKeptFiles(const json& keep, const std::string& to) {
  for (const json& k : keep) {
    if (!k.value("exists", false)) continue;
    const fs::path from = k["path"].get<std::string>();
    fs::copy(from, fs::path(to) / from.filename(),
             fs::copy_options::recursive | fs::copy_options::overwrite_existing);
  }
}

class BackupRestoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    daemon_.Start();  // creates the daemon's key pair
    daemon_.Kill(SIGTERM);
    for (int i = 0; i < 20; ++i) {
      const std::string id = "sch-" + std::to_string(i);
      schools_.push_back({id, daemon_.Enroll(id)});
    }
    endpoint_ = daemon_.Start();
    fs::create_directories(dir_.File("backups"));
  }

  TempDir dir_;
  DaemonProcess daemon_{dir_.File("data")};
  std::vector<FleetSchool> schools_;
  std::string endpoint_;
};

TEST_F(BackupRestoreTest, ACopyTakenUnderLoadRestoresEveryReportAckedBeforeIt) {
  SchoolFleet fleet(schools_, endpoint_, daemon_.ServerPublicKey());
  fleet.QueueAllClears(60, kToday);  // 1200 reports
  fleet.StartDelivery(180s);
  ASSERT_TRUE(fleet.WaitForAcks(300, 60s));
  const std::set<std::string> acked_before = fleet.AckedIds();
  const std::string backup = dir_.File("backups/pingan.db");

  const CtlRun made = Ctl(dir_, {"--data-dir", daemon_.data_dir(), "--json", "backup", backup});
  ASSERT_EQ(made.exit, 0) << made.err;
  const json answer = json::parse(made.out);
  EXPECT_EQ(answer["check"], "ok");
  EXPECT_EQ(answer["bytes"].get<int64_t>(), static_cast<int64_t>(fs::file_size(backup)));
  std::set<std::string> kept;
  for (const json& k : answer["keep_separately"]) {
    kept.insert(fs::path(k["path"].get<std::string>()).filename().string());
  }
  EXPECT_TRUE(kept.contains("daemon.key") && kept.contains("daemon.pub") &&
              kept.contains("schools"))
      << answer["keep_separately"].dump();

  const CtlRun again = Ctl(dir_, {"--data-dir", daemon_.data_dir(), "backup", backup});
  EXPECT_EQ(again.exit, 2) << "an existing backup is not replaced without --force";
  EXPECT_NE(again.err.find("target_exists"), std::string::npos) << again.err;
  const CtlRun live = Ctl(dir_, {"--data-dir", daemon_.data_dir(), "restore", backup});
  EXPECT_EQ(live.exit, 1) << "no restore under a running daemon";
  EXPECT_NE(live.err.find("stop it first"), std::string::npos) << live.err;

  fleet.Join();
  EXPECT_EQ(fleet.Pending(), 0) << "intake went on during and after the backup";
  daemon_.Kill(SIGTERM);

  // The procedure: keys into a new data directory, restore, start.
  DaemonProcess restored(dir_.File("restored"));
  CopyKeptFiles(answer["keep_separately"], restored.data_dir());
  const CtlRun put = Ctl(dir_, {"--data-dir", restored.data_dir(), "restore", backup});
  ASSERT_EQ(put.exit, 0) << put.err;
  EXPECT_EQ(put.out.find("missing"), std::string::npos) << put.out;
  const std::string restored_endpoint = restored.Start();
  EXPECT_EQ(restored.ServerPublicKey(), daemon_.ServerPublicKey());
  EXPECT_GE(restored.Control("status")["reports"].get<int64_t>(),
            static_cast<int64_t>(acked_before.size()));

  // Each school sends its acknowledged reports again, with the same ids.
  store::Database original(daemon_.data_dir() + "/pingan.db", store::OpenMode::kReadOnly);
  store::ReportRepository reports(original, 24h);
  std::map<std::string, std::vector<core::Report>> by_school;
  for (const std::string& id : acked_before) {
    auto stored = reports.Find(id);
    ASSERT_TRUE(stored.has_value()) << id;
    by_school[stored->report.school_id].push_back(stored->report);
  }
  zmq::context_t context(1);
  size_t duplicates = 0;
  for (const FleetSchool& s : schools_) {
    RawAgent agent(context, restored_endpoint, restored.ServerPublicKey(), s.keys);
    for (const core::Report& r : by_school[s.school_id]) {
      agent.Send(r);
      const auto ack = agent.NextAck();
      ASSERT_TRUE(ack.has_value()) << r.report_id;
      EXPECT_EQ(ack->report_id, r.report_id);
      EXPECT_EQ(ack->status, wire::AckStatus::kDuplicate) << r.report_id;
      duplicates += ack->status == wire::AckStatus::kDuplicate;
    }
  }
  EXPECT_EQ(duplicates, acked_before.size());
}

TEST_F(BackupRestoreTest, ADamagedBackupIsNeverInstalled) {
  const std::string backup = dir_.File("backups/pingan.db");
  const CtlRun made = Ctl(dir_, {"--data-dir", daemon_.data_dir(), "backup", backup});
  ASSERT_EQ(made.exit, 0) << made.err;
  EXPECT_NE(made.out.find("daemon.key"), std::string::npos) << "the keys are named: " << made.out;
  daemon_.Kill(SIGTERM);
  const std::string before = ReadFile(daemon_.data_dir() + "/pingan.db");
  fs::resize_file(backup, 1000);  // cut short, as a copy on a full disk would be

  const CtlRun put = Ctl(dir_, {"--data-dir", daemon_.data_dir(), "restore", backup});
  EXPECT_EQ(put.exit, 1);
  EXPECT_NE(put.err.find("nothing was changed"), std::string::npos) << put.err;
  EXPECT_EQ(ReadFile(daemon_.data_dir() + "/pingan.db"), before);
  EXPECT_NO_THROW(daemon_.Start());
}

TEST_F(BackupRestoreTest, ADaemonDoesNotStartOnADamagedDatabaseAndSaysWhichFile) {
  daemon_.Kill(SIGTERM);
  const std::string db = daemon_.data_dir() + "/pingan.db";
  std::ofstream(db, std::ios::binary | std::ios::trunc) << std::string(8192, '\x5a');
  daemon_.set_log_file(dir_.File("pingand.log"));
  EXPECT_THROW(daemon_.Start(), std::runtime_error) << "pingand exited during start";
  const std::string log = ReadFile(dir_.File("pingand.log"));
  EXPECT_NE(log.find("cannot use database " + db), std::string::npos) << log;
  EXPECT_EQ(fs::file_size(db), 8192u) << "nothing was written to it";
}

}  // namespace
}  // namespace pingan::testing

// store::BackupDatabase and CheckDatabaseFile: a copy taken from a read-only connection
// holds what was committed, passes its check, stands alone (no -wal), and every refusal
// (existing target, missing directory, the live file, a full disk) leaves nothing behind.
#include "daemon/store/backup.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <SQLiteCpp/Transaction.h>
#include <filesystem>
#include <fstream>
#include <thread>

#include "daemon/core/uuid.h"
#include "daemon/store/read_connections.h"
#include "daemon/store/report_repository.h"
#include "tests/fakes/temp_dir.h"

namespace pingan::store {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

const core::Instant kNow = date::sys_days{date::year{2026} / 10 / 3} + 8h;

core::Report MakeReport(int n) {
  core::Report r;
  std::array<uint8_t, 10> random{};
  random[9] = static_cast<uint8_t>(n);
  random[8] = static_cast<uint8_t>(n >> 8);
  random[7] = static_cast<uint8_t>(n >> 16);
  r.report_id = core::FormatUuid(core::MakeUuidV7(kNow + core::Millis{n}, random));
  r.school_id = "sch-" + std::to_string(n % 50);
  r.kind = core::ReportKind::kAllClear;
  r.covers = date::year{2026} / 10 / 3;
  r.agent_time = kNow;
  return r;
}

// Reports [first, first + n) in one transaction.
void AddReports(Database& db, int first, int n) {
  ReportRepository reports(db, 24h);
  SQLite::Transaction tx(db.sql());
  for (int i = first; i < first + n; ++i) reports.Insert({MakeReport(i), kNow});
  tx.commit();
}

// Files in `dir` other than those named.
std::vector<std::string> Leftovers(const fs::path& dir, const std::set<std::string>& expected) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (!expected.contains(e.path().filename().string())) out.push_back(e.path().string());
  }
  return out;
}

class BackupTest : public ::testing::Test {
 protected:
  BackupTest() : live_(dir_.File("pingan.db")), reads_(live_.path()) {
    fs::create_directory(dir_.File("backups"));
    AddReports(live_, 0, 500);
  }

  std::variant<BackupResult, BackupError> Backup(const std::string& target,
                                                 BackupOptions options = {}) {
    auto lease = reads_.Acquire();
    return BackupDatabase(lease.db(), target, options);
  }
  std::string BackupFile(const std::string& name = "copy.db") const {
    return dir_.File("backups/" + name);
  }

  testing::TempDir dir_;
  Database live_;
  ReadConnections reads_;
};

TEST_F(BackupTest, TheCopyHoldsEveryCommittedReportPassesItsCheckAndStandsAlone) {
  auto done = Backup(BackupFile());
  ASSERT_TRUE(std::holds_alternative<BackupResult>(done)) << std::get<BackupError>(done).message;
  const BackupResult& r = std::get<BackupResult>(done);
  EXPECT_EQ(r.path, BackupFile());
  EXPECT_EQ(r.bytes, static_cast<int64_t>(fs::file_size(BackupFile())));
  EXPECT_GT(r.pages, 0);

  auto checked = CheckDatabaseFile(BackupFile(), CheckDepth::kFull);
  ASSERT_TRUE(std::holds_alternative<CheckedDatabase>(checked)) << std::get<std::string>(checked);
  EXPECT_EQ(std::get<CheckedDatabase>(checked).reports, 500);
  EXPECT_EQ(std::get<CheckedDatabase>(checked).schema_version, LatestSchemaVersion());
  EXPECT_TRUE(Leftovers(dir_.File("backups"), {"copy.db"}).empty())
      << "no temporary file, no -wal, no -shm beside the copy";
  struct stat st {};
  ASSERT_EQ(::stat(BackupFile().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u) << "the copy holds protected incident text";
  SQLite::Database copy(BackupFile(), SQLite::OPEN_READONLY);
  EXPECT_EQ(copy.execAndGet("PRAGMA journal_mode").getString(), "delete");
}

TEST_F(BackupTest, CommitsDuringTheCopyGoOnAndTheCopyIsOneSnapshot) {
  BackupOptions slow;
  slow.pages_per_step = 1;  // many steps: the writer commits between them
  slow.pause_between_steps = 0ms;
  std::variant<BackupResult, BackupError> done;
  std::thread copier([&] { done = Backup(BackupFile(), slow); });
  for (int batch = 0; batch < 20; ++batch) AddReports(live_, 1000 + batch * 10, 10);
  copier.join();
  ASSERT_TRUE(std::holds_alternative<BackupResult>(done)) << std::get<BackupError>(done).message;
  auto checked = CheckDatabaseFile(BackupFile(), CheckDepth::kFull);
  ASSERT_TRUE(std::holds_alternative<CheckedDatabase>(checked)) << std::get<std::string>(checked);
  const int64_t reports = std::get<CheckedDatabase>(checked).reports;
  EXPECT_GE(reports, 500);
  EXPECT_LE(reports, 700);
  EXPECT_EQ((reports - 500) % 10, 0) << "whole transactions only";
}

TEST_F(BackupTest, AnExistingTargetIsRefusedUnlessForced) {
  std::ofstream(BackupFile()) << "older backup";
  std::ofstream(BackupFile() + "-wal") << "a stale log of another database";
  auto refused = Backup(BackupFile());
  ASSERT_TRUE(std::holds_alternative<BackupError>(refused));
  EXPECT_EQ(std::get<BackupError>(refused).code, "target_exists");
  EXPECT_EQ(fs::file_size(BackupFile()), 12u) << "left as it was";

  BackupOptions force;
  force.overwrite = true;
  auto done = Backup(BackupFile(), force);
  ASSERT_TRUE(std::holds_alternative<BackupResult>(done)) << std::get<BackupError>(done).message;
  EXPECT_FALSE(fs::exists(BackupFile() + "-wal")) << "a stale -wal would be replayed into it";
  auto checked = CheckDatabaseFile(BackupFile(), CheckDepth::kFull);
  ASSERT_TRUE(std::holds_alternative<CheckedDatabase>(checked)) << std::get<std::string>(checked);
  EXPECT_EQ(std::get<CheckedDatabase>(checked).reports, 500);
}

TEST_F(BackupTest, AMissingDirectoryOrAFileInTheWayIsRefused) {
  auto missing = Backup(dir_.File("nowhere/copy.db"));
  ASSERT_TRUE(std::holds_alternative<BackupError>(missing));
  EXPECT_EQ(std::get<BackupError>(missing).code, "no_directory");
  EXPECT_NE(std::get<BackupError>(missing).message.find("nowhere"), std::string::npos);

  std::ofstream(dir_.File("plain")) << "x";
  auto not_dir = Backup(dir_.File("plain/copy.db"));
  ASSERT_TRUE(std::holds_alternative<BackupError>(not_dir));
  EXPECT_EQ(std::get<BackupError>(not_dir).code, "no_directory");

  auto is_dir = Backup(dir_.File("backups"));
  ASSERT_TRUE(std::holds_alternative<BackupError>(is_dir));
  EXPECT_EQ(std::get<BackupError>(is_dir).code, "target_exists");
}

TEST_F(BackupTest, TheLiveDatabaseIsNeverTheTargetEvenWithForce) {
  BackupOptions force;
  force.overwrite = true;
  for (const std::string& target :
       {live_.path(), live_.path() + "-wal", dir_.File("./pingan.db")}) {
    auto refused = Backup(target, force);
    ASSERT_TRUE(std::holds_alternative<BackupError>(refused)) << target;
    EXPECT_EQ(std::get<BackupError>(refused).code, "same_file") << target;
  }
  EXPECT_EQ(ReportRepository(live_, 24h).Count(), 500);
}

// A file size limit makes writes fail as a full disk would (EFBIG / short writes).
class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes) {
    ::getrlimit(RLIMIT_FSIZE, &saved_);
    previous_ = ::signal(SIGXFSZ, SIG_IGN);
    const rlimit limit{bytes, saved_.rlim_max};
    ::setrlimit(RLIMIT_FSIZE, &limit);
  }
  ~FileSizeLimit() {
    ::setrlimit(RLIMIT_FSIZE, &saved_);
    ::signal(SIGXFSZ, previous_);
  }

 private:
  rlimit saved_{};
  sighandler_t previous_;
};

TEST_F(BackupTest, AFullDiskIsReportedAndLeavesNoPartialFile) {
  std::variant<BackupResult, BackupError> done;
  {
    FileSizeLimit limit(16 * 1024);  // the database is larger
    done = Backup(BackupFile());
  }
  ASSERT_TRUE(std::holds_alternative<BackupError>(done));
  EXPECT_EQ(std::get<BackupError>(done).code, "disk_full") << std::get<BackupError>(done).message;
  EXPECT_TRUE(Leftovers(dir_.File("backups"), {}).empty()) << "nothing partial is left";
  EXPECT_EQ(ReportRepository(live_, 24h).Count(), 500);
}

TEST(CheckDatabaseFileTest, DamagedForeignOrEmptyFilesAreNamedAsSuch) {
  testing::TempDir dir;
  std::ofstream(dir.File("garbage.db")) << std::string(8192, 'x');
  std::ofstream(dir.File("empty.db"));
  {
    SQLite::Database other(dir.File("other.db"), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    other.exec("CREATE TABLE t(x)");
  }
  for (const char* name : {"garbage.db", "empty.db", "other.db", "absent.db"}) {
    auto checked = CheckDatabaseFile(dir.File(name), CheckDepth::kFull);
    ASSERT_TRUE(std::holds_alternative<std::string>(checked)) << name;
    EXPECT_NE(std::get<std::string>(checked).find(name), std::string::npos)
        << std::get<std::string>(checked);
  }
  EXPECT_FALSE(fs::exists(dir.File("garbage.db-shm"))) << "checking creates nothing";
}

TEST(CheckDatabaseFileTest, ATruncatedCopyFailsTheFullCheck) {
  testing::TempDir dir;
  {
    Database db(dir.File("live.db"));
    AddReports(db, 0, 2000);
    ReadConnections reads(db.path());
    auto lease = reads.Acquire();
    ASSERT_TRUE(std::holds_alternative<BackupResult>(
        BackupDatabase(lease.db(), dir.File("copy.db"), BackupOptions{})));
  }
  fs::resize_file(dir.File("copy.db"), fs::file_size(dir.File("copy.db")) / 2);
  auto checked = CheckDatabaseFile(dir.File("copy.db"), CheckDepth::kFull);
  ASSERT_TRUE(std::holds_alternative<std::string>(checked));
  EXPECT_NE(std::get<std::string>(checked).find("copy.db"), std::string::npos);
}

}  // namespace
}  // namespace pingan::store

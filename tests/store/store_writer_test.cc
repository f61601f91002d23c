#include "daemon/store/store_writer.h"

#include <gtest/gtest.h>

#include <SQLiteCpp/Exception.h>
#include <sqlite3.h>

#include <atomic>
#include <condition_variable>
#include <future>
#include <mutex>

#include "daemon/core/uuid.h"
#include "tests/fakes/temp_dir.h"

namespace pingan::store {
namespace {

using namespace std::chrono_literals;

const core::Instant kNow = date::sys_days{date::year{2026} / 10 / 3} + 8h;

core::Report MakeReport(int n, core::ReportKind kind = core::ReportKind::kAllClear) {
  core::Report r;
  std::array<uint8_t, 10> random{};
  random[9] = static_cast<uint8_t>(n);
  random[8] = static_cast<uint8_t>(n >> 8);
  r.report_id = core::FormatUuid(core::MakeUuidV7(kNow + core::Millis{n}, random));
  r.school_id = "sch-" + std::to_string(n % 7);
  r.kind = kind;
  r.covers = date::year{2026} / 10 / 3;
  r.agent_time = kNow;
  if (kind == core::ReportKind::kIncident) {
    r.incident = core::Incident{core::IncidentCategory::kFoodSafety,
                                core::Severity::kII,
                                kNow - 2h,
                                "午餐后多名学生腹痛",
                                12,
                                0,
                                0,
                                true};
  }
  return r;
}

// Collects batch outcomes from the writer thread.
class Outcomes {
 public:
  StoreWriter::Completion Callback() {
    return [this](std::vector<WriteOutcome> batch) {
      std::lock_guard lock(mu_);
      for (auto& o : batch) all_.push_back(std::move(o));
      ++batches_;
      cv_.notify_all();
    };
  }
  std::vector<WriteOutcome> WaitFor(size_t n) {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return all_.size() >= n; });
    return all_;
  }
  int batches() {
    std::lock_guard lock(mu_);
    return batches_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<WriteOutcome> all_;
  int batches_ = 0;
};

StoreWriterOptions Options(const testing::TempDir& dir) {
  StoreWriterOptions o;
  o.database_path = dir.File("pingan.db");
  return o;
}

TEST(StoreWriter, StoresEachReportOnceAndAnswersDuplicates) {
  testing::TempDir dir;
  Outcomes outcomes;
  {
    StoreWriter writer(Options(dir), outcomes.Callback());
    for (int i = 0; i < 50; ++i) writer.Submit({{MakeReport(i), kNow}, "peer" + std::to_string(i)});
    for (int i = 0; i < 50; i += 5) writer.Submit({{MakeReport(i), kNow}, "again"});
    auto all = outcomes.WaitFor(60);
    int stored = 0, duplicate = 0;
    for (const auto& o : all) {
      if (o.status == WriteStatus::kStored) ++stored;
      if (o.status == WriteStatus::kDuplicate) {
        ++duplicate;
        EXPECT_EQ(o.reply_to, "again");
      }
    }
    EXPECT_EQ(stored, 50);
    EXPECT_EQ(duplicate, 10);
  }
  Database db(dir.File("pingan.db"));
  ReportRepository repo(db, 24h);
  EXPECT_EQ(repo.Count(), 50);
}

TEST(StoreWriter, GroupsQueuedReportsIntoFewTransactions) {
  testing::TempDir dir;
  Outcomes outcomes;
  std::promise<void> release;
  StoreWriter writer(Options(dir), outcomes.Callback());
  // Hold the writer thread in a job so that the reports pile up meanwhile.
  writer.Post([f = release.get_future().share()](Database&) { f.wait(); });
  for (int i = 0; i < 300; ++i) writer.Submit({{MakeReport(i), kNow}, ""});
  release.set_value();
  outcomes.WaitFor(300);
  EXPECT_LE(outcomes.batches(), 2) << "300 queued reports should commit together";
}

// Fails the batch's transaction when it sees a chosen school, as a full disk would.
class FailingObserver : public ReportObserver {
 public:
  void OnStored(Database&, const IncomingReport& r) override {
    if (r.report.school_id == "sch-3") throw std::runtime_error("disk full");
  }
};

TEST(StoreWriter, FailedCommitAcksNothingAsStoredAndKeepsNothing) {
  testing::TempDir dir;
  Outcomes outcomes;
  std::promise<void> started;
  std::promise<void> release;
  {
    StoreWriter writer(Options(dir), outcomes.Callback());
    writer.AddObserver(std::make_shared<FailingObserver>());
    writer.Post([&started, f = release.get_future().share()](Database&) {
      started.set_value();
      f.wait();
    });
    // Only once the writer is held inside the job do the reports queue up, so that
    // all seven land in one batch (otherwise the first could be committed alone).
    started.get_future().wait();
    for (int i = 0; i < 7; ++i) writer.Submit({{MakeReport(i), kNow}, ""});
    release.set_value();
    for (const auto& o : outcomes.WaitFor(7)) EXPECT_EQ(o.status, WriteStatus::kFailed);
  }
  Database db(dir.File("pingan.db"));
  EXPECT_EQ(ReportRepository(db, 24h).Count(), 0);
}

// What SQLite throws when a statement meets a damaged page.
class DamagedPageObserver : public ReportObserver {
 public:
  void OnStored(Database&, const IncomingReport& r) override {
    if (r.report.school_id == "sch-3") {
      throw SQLite::Exception("database disk image is malformed", SQLITE_CORRUPT);
    }
  }
};

// Found from outside: a damaged page made every batch fail as if the disk were full,
// the daemon answered STORE_UNAVAILABLE forever and still reported ready. Damage is
// permanent: the writer says so once and from then on acks nothing into that file,
// not even a report that would have gone through.
TEST(StoreWriter, ADamagedFileIsReportedOnceAndNothingIsWrittenAfter) {
  testing::TempDir dir;
  Outcomes outcomes;
  std::atomic<int> damage_calls{0};
  std::string said;
  StoreWriterOptions options = Options(dir);
  options.on_damage = [&](const std::string& what) {
    said = what;
    ++damage_calls;
  };
  {
    StoreWriter writer(options, outcomes.Callback());
    writer.AddObserver(std::make_shared<DamagedPageObserver>());
    writer.Submit({{MakeReport(3), kNow}, ""});  // school sch-3: meets the damage
    EXPECT_EQ(outcomes.WaitFor(1).at(0).status, WriteStatus::kFailed);
    EXPECT_TRUE(writer.Damaged());
    writer.Submit({{MakeReport(1), kNow}, ""});   // sound on its own
    writer.Submit({{MakeReport(10), kNow}, ""});  // sch-3 again
    for (const auto& o : outcomes.WaitFor(3)) EXPECT_EQ(o.status, WriteStatus::kFailed);
  }
  EXPECT_EQ(damage_calls.load(), 1);
  EXPECT_NE(said.find("malformed"), std::string::npos) << said;
  Database db(dir.File("pingan.db"));
  EXPECT_EQ(ReportRepository(db, 24h).Count(), 0);
}

// Found from outside: a report_id already used by another school was answered
// DUPLICATE, and the second school's report was dropped while its agent counted it as
// delivered. The id is now "taken": nothing stored, the first report untouched.
TEST(ReportRepository, AnIdOfAnotherSchoolsReportIsTakenNotADuplicate) {
  testing::TempDir dir;
  Database db(dir.File("pingan.db"));
  ReportRepository repo(db, 24h);
  core::Report first = MakeReport(1);
  first.school_id = "sch-a";
  core::Report other = first;
  other.school_id = "sch-b";
  ASSERT_EQ(repo.Insert({first, kNow}), InsertStatus::kStored);
  EXPECT_EQ(repo.Insert({first, kNow + 1s}), InsertStatus::kDuplicate) << "a resend";
  EXPECT_EQ(repo.Insert({other, kNow + 2s}), InsertStatus::kIdTaken);
  EXPECT_EQ(repo.Count(), 1);
  EXPECT_EQ(repo.Find(first.report_id)->report.school_id, "sch-a");
}

TEST(ReportRepository, RoundTripsEveryFieldAndKeepsTextApart) {
  testing::TempDir dir;
  Database db(dir.File("pingan.db"));
  ReportRepository repo(db, 24h);
  const core::Report incident = MakeReport(1, core::ReportKind::kIncident);
  ASSERT_EQ(repo.Insert({incident, kNow}), InsertStatus::kStored);
  ASSERT_EQ(repo.Insert({incident, kNow + 1s}), InsertStatus::kDuplicate);
  auto found = repo.Find(incident.report_id);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->received_at, kNow);
  ASSERT_TRUE(found->report.incident);
  EXPECT_EQ(found->report.incident->category, core::IncidentCategory::kFoodSafety);
  EXPECT_EQ(found->report.incident->severity, core::Severity::kII);
  EXPECT_EQ(found->report.incident->injured, 12u);
  EXPECT_TRUE(found->report.incident->needs_leader_attention);
  EXPECT_TRUE(found->report.incident->summary.empty()) << "text is read separately, audited";
  EXPECT_EQ(repo.ReadIncidentText(incident.report_id), "午餐后多名学生腹痛");
  EXPECT_EQ(repo.PurgeExpiredText(kNow + 23h), 0);
  EXPECT_EQ(repo.PurgeExpiredText(kNow + 24h), 1);
  EXPECT_EQ(repo.ReadIncidentText(incident.report_id), std::nullopt);
  EXPECT_TRUE(repo.Find(incident.report_id)) << "the report itself outlives its text";
}

TEST(Database, MigratesOnceAndRefusesNewerSchemas) {
  testing::TempDir dir;
  const std::string path = dir.File("pingan.db");
  {
    Database db(path);
    EXPECT_EQ(db.schema_version(), LatestSchemaVersion());
  }
  {
    Database again(path);
    EXPECT_EQ(again.schema_version(), LatestSchemaVersion());
  }
  {
    SQLite::Database raw(path, SQLite::OPEN_READWRITE);
    raw.exec("PRAGMA user_version=" + std::to_string(LatestSchemaVersion() + 1));
  }
  EXPECT_THROW(Database{path}, std::runtime_error);
}

}  // namespace
}  // namespace pingan::store

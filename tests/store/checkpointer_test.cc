// Checkpointer: with it attached, the writer's commits no longer copy the WAL back into
// the database file (SQLite would at 1,000 pages); its own connection does, woken by
// the commits; the writer steps in only at the inline bound; detached, SQLite's
// automatic checkpoint is back. File sizes tell whether a checkpoint ran: until one
// does, committed pages live only in the -wal file.
#include <gtest/gtest.h>

#include <SQLiteCpp/Transaction.h>

#include <filesystem>
#include <functional>
#include <thread>

#include "daemon/store/checkpointer.h"
#include "daemon/store/database.h"
#include "tests/fakes/temp_dir.h"

namespace pingan::store {
namespace {

constexpr int kRowBytes = 4000;  // about one 4 KiB page per row

class CheckpointerTest : public ::testing::Test {
 protected:
  CheckpointerTest() : path_(dir_.File("pingan.db")), db_(path_) {
    db_.sql().exec("CREATE TABLE filler (x BLOB)");
    // Start from an empty WAL, whatever the migrations left in it.
    db_.sql().exec("PRAGMA wal_checkpoint(TRUNCATE)");
    main_size_before_ = MainFileSize();
  }

  // `pages` rows of ~4 KiB, committed `per_commit` at a time (each commit calls the WAL
  // hook). `during` runs inside each transaction, before its commit.
  void WritePages(int pages, int per_commit = 100, const std::function<void()>& during = {}) {
    for (int done = 0; done < pages; done += per_commit) {
      SQLite::Transaction tx(db_.sql());
      for (int i = 0; i < per_commit; ++i) {
        db_.sql().exec("INSERT INTO filler VALUES (zeroblob(" + std::to_string(kRowBytes) + "))");
      }
      if (during) during();
      tx.commit();
    }
  }
  uintmax_t WalFileSize() const { return std::filesystem::file_size(path_ + "-wal"); }
  uintmax_t MainFileSize() const { return std::filesystem::file_size(path_); }
  // The pages committed since the constructor were copied into the database file.
  bool CopiedBack(int pages) const {
    return MainFileSize() >= main_size_before_ + uintmax_t(pages) * kRowBytes;
  }
  int64_t Rows() { return db_.sql().execAndGet("SELECT count(*) FROM filler").getInt64(); }

  pingan::testing::TempDir dir_;
  std::string path_;
  Database db_;
  uintmax_t main_size_before_ = 0;
};

TEST_F(CheckpointerTest, CommitsLeaveTheCheckpointToTheCheckpointer) {
  Checkpointer checkpointer(db_,
                            {.wake_pages = 100, .inline_pages = 100'000, .start_thread = false});
  WritePages(1500);  // SQLite alone would have checkpointed at 1,000
  EXPECT_EQ(MainFileSize(), main_size_before_) << "no commit copied the WAL back";
  EXPECT_EQ(checkpointer.inline_checkpoints(), 0u);
  EXPECT_TRUE(checkpointer.RunOnce()) << "the whole WAL copied back";
  EXPECT_TRUE(CopiedBack(1500));
  EXPECT_EQ(Rows(), 1500);
}

TEST_F(CheckpointerTest, ItsThreadIsWokenByCommitsPastTheThreshold) {
  Checkpointer checkpointer(db_, {.wake_pages = 100, .inline_pages = 100'000});
  WritePages(300);
  while (checkpointer.background_checkpoints() == 0) std::this_thread::yield();
  EXPECT_EQ(checkpointer.inline_checkpoints(), 0u);
  // The thread may still be copying: one more pass on this thread finishes it.
  EXPECT_TRUE(checkpointer.RunOnce());
  EXPECT_TRUE(CopiedBack(300));
}

// Under steady intake the thread's checkpoint always runs while the writer's next
// transaction is open, so SQLite never finds the log fully copied when a transaction
// begins and would let it grow without end. Emulated here: each checkpoint runs inside
// the following transaction.
TEST_F(CheckpointerTest, TheLogStartsOverUnderSteadyCommits) {
  Checkpointer checkpointer(
      db_, {.wake_pages = 100, .restart_pages = 400, .restart_lag = 150, .start_thread = false});
  WritePages(3000, 100, [&] { checkpointer.RunOnce(); });
  EXPECT_GE(checkpointer.restarts(), 4u);
  EXPECT_EQ(checkpointer.inline_checkpoints(), 0u);
  // ~4 KiB + a frame header per page: the log was rewritten from its start each time.
  EXPECT_LT(WalFileSize(), uintmax_t(600) * 4200) << "the WAL stays near restart_pages";
  EXPECT_EQ(Rows(), 3000);
}

TEST_F(CheckpointerTest, ALargeCommitIsLeftToTheThread) {
  Checkpointer checkpointer(
      db_, {.wake_pages = 100, .restart_pages = 400, .restart_lag = 150, .start_thread = false});
  WritePages(600, 600);  // one commit: a deadline's sweep
  EXPECT_EQ(checkpointer.restarts(), 0u) << "600 pages not copied is more than the writer's share";
  EXPECT_EQ(MainFileSize(), main_size_before_);
  // The thread copies it while the next small transaction is open; after that one's
  // commit the writer copies its 100 pages and the log starts over.
  WritePages(100, 100, [&] { EXPECT_TRUE(checkpointer.RunOnce()); });
  EXPECT_EQ(checkpointer.restarts(), 1u);
  EXPECT_TRUE(CopiedBack(700));
}

TEST_F(CheckpointerTest, TheWriterStepsInWhenTheWalOutgrowsTheBound) {
  Checkpointer checkpointer(db_, {.wake_pages = 100, .inline_pages = 500, .start_thread = false});
  WritePages(600);
  EXPECT_GE(checkpointer.inline_checkpoints(), 1u);
  EXPECT_TRUE(CopiedBack(500)) << "the commit past 500 pages checkpointed inline";
}

TEST_F(CheckpointerTest, DetachedTheWriterCheckpointsAsSqliteDoes) {
  { Checkpointer checkpointer(db_, {.start_thread = false}); }
  WritePages(1200);
  EXPECT_TRUE(CopiedBack(1000)) << "SQLite's automatic checkpoint is back at 1,000 pages";
  EXPECT_EQ(Rows(), 1200);
}

}  // namespace
}  // namespace pingan::store

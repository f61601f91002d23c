// Checkpointer: with it attached, the writer's commits no longer copy the WAL back into
// the database file (SQLite would at 1,000 pages); its own connection does, woken by
// the commits; the writer steps in only at the inline bound; detached, SQLite's
// automatic checkpoint is back. File sizes tell whether a checkpoint ran: until one
// does, committed pages live only in the -wal file.
#include <gtest/gtest.h>

#include <SQLiteCpp/Transaction.h>

#include <filesystem>
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

  // `pages` rows of ~4 KiB, committed 100 at a time (each commit calls the WAL hook).
  void WritePages(int pages) {
    for (int done = 0; done < pages; done += 100) {
      SQLite::Transaction tx(db_.sql());
      for (int i = 0; i < 100; ++i) {
        db_.sql().exec("INSERT INTO filler VALUES (zeroblob(" + std::to_string(kRowBytes) + "))");
      }
      tx.commit();
    }
  }
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

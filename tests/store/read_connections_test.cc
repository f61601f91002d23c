// ReadConnections: a read borrows a long-lived connection instead of opening the file;
// returned connections are reused, concurrent readers get their own, connections see
// what the writer committed after they were opened, and a missing database is a clear
// error.
#include "daemon/store/read_connections.h"

#include <gtest/gtest.h>

#include <SQLiteCpp/Statement.h>
#include <atomic>
#include <thread>
#include <vector>

#include "tests/fakes/temp_dir.h"

namespace pingan::store {
namespace {

int CountAudit(SQLite::Database& db) {
  return db.execAndGet("SELECT count(*) FROM audit_log").getInt();
}

class ReadConnectionsTest : public ::testing::Test {
 protected:
  ReadConnectionsTest() : writer_(dir_.File("pingan.db")) {}
  void Append() {
    writer_.sql().exec(
        "INSERT INTO audit_log (at_ms, actor, action, object, detail) "
        "VALUES (1, 'test', 'x', '', '')");
  }
  testing::TempDir dir_;
  Database writer_;  // creates and migrates the file
};

TEST_F(ReadConnectionsTest, AReturnedConnectionIsLentAgainNotReopened) {
  ReadConnections reads(dir_.File("pingan.db"));
  EXPECT_EQ(reads.opened(), 0u) << "opened lazily";
  for (int i = 0; i < 50; ++i) {
    auto lease = reads.Acquire();
    EXPECT_EQ(CountAudit(lease.db().sql()), 0);
  }
  EXPECT_EQ(reads.opened(), 1u);
  EXPECT_EQ(reads.idle(), 1u);
}

TEST_F(ReadConnectionsTest, ReadersAtTheSameTimeGetTheirOwnConnection) {
  ReadConnections reads(dir_.File("pingan.db"), /*max_idle=*/2);
  {
    auto a = reads.Acquire();
    auto b = reads.Acquire();
    auto c = reads.Acquire();
    EXPECT_NE(&a.db().sql(), &b.db().sql());
    EXPECT_NE(&b.db().sql(), &c.db().sql());
    EXPECT_EQ(reads.opened(), 3u);
  }
  EXPECT_EQ(reads.idle(), 2u) << "no more than max_idle are kept open";
}

TEST_F(ReadConnectionsTest, AKeptConnectionSeesLaterCommits) {
  ReadConnections reads(dir_.File("pingan.db"));
  { EXPECT_EQ(CountAudit(reads.Acquire().db().sql()), 0); }
  Append();
  Append();
  EXPECT_EQ(CountAudit(reads.Acquire().db().sql()), 2) << "each query reads the newest commit";
  EXPECT_EQ(reads.opened(), 1u);
}

TEST_F(ReadConnectionsTest, ManyThreadsReadSafely) {
  Append();
  ReadPool pool(dir_.File("pingan.db"));
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        if (CountAudit(pool.Acquire().db().sql()) != 1) ++wrong;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(wrong.load(), 0);
}

TEST_F(ReadConnectionsTest, AMissingDatabaseOrNoneConfiguredIsAClearError) {
  ReadConnections missing(dir_.File("nowhere/pingan.db"));
  try {
    missing.Acquire();
    FAIL() << "opened a database that does not exist";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("nowhere"), std::string::npos) << e.what();
  }
  EXPECT_THROW(ReadPool().Acquire(), std::logic_error);
}

}  // namespace
}  // namespace pingan::store

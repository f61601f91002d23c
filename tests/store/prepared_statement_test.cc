// Database::Prepared: a statement is prepared once per connection and lent out reset and
// unbound; a nested borrow of the same SQL gets its own statement; a failed step leaves
// the kept statement usable; the writer's connection has the larger page cache.
#include <gtest/gtest.h>

#include "daemon/store/database.h"
#include "tests/fakes/temp_dir.h"

namespace pingan::store {
namespace {

constexpr const char* kInsert = "INSERT INTO t (k, v) VALUES (?1, ?2)";

class PreparedStatementTest : public ::testing::Test {
 protected:
  PreparedStatementTest() : db_(dir_.File("pingan.db")) {
    db_.sql().exec("CREATE TABLE t (k TEXT PRIMARY KEY, v TEXT)");
  }
  int64_t Count() { return db_.sql().execAndGet("SELECT count(*) FROM t").getInt64(); }

  pingan::testing::TempDir dir_;
  Database db_;
};

TEST_F(PreparedStatementTest, TheSameStatementIsLentAgainResetAndUnbound) {
  SQLite::Statement* first = nullptr;
  {
    PreparedStatement s = db_.Prepared(kInsert);
    first = &*s;
    s->bind(1, "a");
    s->bind(2, "x");
    EXPECT_EQ(s->exec(), 1);
  }
  PreparedStatement again = db_.Prepared(kInsert);
  EXPECT_EQ(&*again, first) << "prepared once";
  again->bind(1, "b");  // ?2 was unbound: NULL, not "x"
  EXPECT_EQ(again->exec(), 1);
  EXPECT_TRUE(db_.sql().execAndGet("SELECT v IS NULL FROM t WHERE k = 'b'").getInt());
  EXPECT_EQ(Count(), 2);
}

TEST_F(PreparedStatementTest, ANestedBorrowGetsItsOwnStatement) {
  PreparedStatement outer = db_.Prepared("SELECT k FROM t");
  PreparedStatement inner = db_.Prepared("SELECT k FROM t");
  EXPECT_NE(&*outer, &*inner);
}

TEST_F(PreparedStatementTest, AFailedStepLeavesTheKeptStatementUsable) {
  {
    PreparedStatement s = db_.Prepared(kInsert);
    s->bind(1, "a");
    s->exec();
  }
  {
    PreparedStatement s = db_.Prepared(kInsert);
    s->bind(1, "a");  // the key is taken
    EXPECT_THROW(s->exec(), SQLite::Exception);
  }
  PreparedStatement s = db_.Prepared(kInsert);
  s->bind(1, "c");
  EXPECT_EQ(s->exec(), 1);
  EXPECT_EQ(Count(), 2);
}

TEST_F(PreparedStatementTest, TheWritersConnectionHasTheLargerPageCache) {
  EXPECT_EQ(db_.sql().execAndGet("PRAGMA cache_size").getInt(), -kWriterCacheKiB);
  Database reader(dir_.File("pingan.db"), OpenMode::kReadOnly);
  EXPECT_NE(reader.sql().execAndGet("PRAGMA cache_size").getInt(), -kWriterCacheKiB);
}

}  // namespace
}  // namespace pingan::store

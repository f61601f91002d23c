#include <gtest/gtest.h>

#include "daemon/store/backup.h"
#include "daemon/store/database.h"
#include "daemon/store/read_connections.h"
#include "tests/fakes/damaged_database.h"
#include "tests/fakes/temp_dir.h"

namespace pingan::store {
namespace {

TEST(DatabaseProblems, ASoundDatabasePassesBothChecks) {
  testing::TempDir dir;
  Database db(dir.File("pingan.db"));
  EXPECT_EQ(DatabaseProblems(db, CheckDepth::kQuick), "");
  EXPECT_EQ(DatabaseProblems(db, CheckDepth::kFull), "");
}

// The damage a plain open does not see: the live database checked from a read-only
// connection of the pool, as pingand does it.
TEST(DatabaseProblems, ADamagedMiddlePageIsFoundFromAReadConnection) {
  testing::TempDir dir;
  const std::string path = dir.File("pingan.db");
  testing::MakeDatabaseWithADamagedMiddlePage(path);
  Database writer(path);  // opens, sees nothing wrong
  ReadPool reads(path);
  auto lease = reads.Acquire();
  EXPECT_NE(DatabaseProblems(lease.db(), CheckDepth::kQuick), "");
  EXPECT_NE(DatabaseProblems(lease.db(), CheckDepth::kFull), "");
}

}  // namespace
}  // namespace pingan::store

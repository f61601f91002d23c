#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

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

// Found from outside: a zero-length pingan.db (truncated by a crash or a full disk) was
// silently taken for a new database, and the daemon started with no data at all.
TEST(DatabaseOpen, AnEmptyFileStopsTheOpenNamingItAndWhatToDo) {
  testing::TempDir dir;
  const std::string path = dir.File("pingan.db");
  std::ofstream{path};  // 0 bytes
  try {
    Database db(path);
    ADD_FAILURE() << "an empty file was opened as a new database";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("restore"), std::string::npos) << e.what();
  }
  EXPECT_EQ(std::filesystem::file_size(path), 0u) << "nothing written to it";
  std::filesystem::remove(path);
  Database fresh(path);  // no file at all: a first start
  EXPECT_GT(fresh.schema_version(), 0);
}

}  // namespace
}  // namespace pingan::store

// A database file with a damaged page in the middle opens and takes reports as if
// nothing were wrong; only a check that reads the whole file finds it. pingand runs
// that check in the background after its start (StoreCheck): the damage must reach the
// log, /readyz and every console, and `pinganctl check` must find it on demand.
#include <gtest/gtest.h>

#include <filesystem>

#include "daemon/core/system_clock.h"
#include "tests/app/in_process_daemon.h"
#include "tests/fakes/damaged_database.h"
#include "tests/fakes/temp_dir.h"

namespace pingan::app {
namespace {

using nlohmann::json;

class StoreCheckTest : public ::testing::Test {
 protected:
  void StartOn(bool damaged) {
    std::filesystem::create_directories(dir_.File("data"));
    if (damaged) testing::MakeDatabaseWithADamagedMiddlePage(dir_.File("data/pingan.db"));
    DaemonOptions options;
    options.store_check_after = std::chrono::milliseconds{0};
    daemon_.Start(testing::InProcessDaemon::TestConfig(dir_.File("data")), clock_, options);
  }

  testing::TempDir dir_;
  core::SystemClock clock_;
  testing::InProcessDaemon daemon_;
};

TEST_F(StoreCheckTest, ADamagedPageFoundAfterTheStartFailsReadinessAndWarnsEveryConsole) {
  StartOn(/*damaged=*/true);
  ASSERT_TRUE(testing::Eventually([&] { return daemon_.WarningCodes().count("store_damaged"); }));
  const testing::HttpAnswer ready = daemon_.Get("/readyz");
  EXPECT_EQ(ready.status, 503);
  EXPECT_NE(ready.body.find("damaged"), std::string::npos) << ready.body;

  const json checked = daemon_.Control("store.check", {{"full", true}});
  ASSERT_TRUE(checked["ok"]) << checked.dump();
  EXPECT_FALSE(checked["result"]["ok"]);
  EXPECT_EQ(checked["result"]["check"], "integrity_check");
  EXPECT_NE(checked["result"]["problems"], "");
}

TEST_F(StoreCheckTest, ASoundDatabaseChecksCleanAndWarnsNothing) {
  StartOn(/*damaged=*/false);
  const json checked = daemon_.Control("store.check", json::object());
  ASSERT_TRUE(checked["ok"]) << checked.dump();
  EXPECT_TRUE(checked["result"]["ok"]);
  EXPECT_EQ(checked["result"]["check"], "quick_check");
  EXPECT_EQ(daemon_.WarningCodes().count("store_damaged"), 0u);
}

}  // namespace
}  // namespace pingan::app

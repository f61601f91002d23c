// A database file with a damaged page in the middle opens and takes reports as if
// nothing were wrong; only a check that reads the whole file finds it. pingand runs
// that check in the background after its start (StoreCheck), and `pinganctl check` on
// demand: either way, damage stops the daemon for good.
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
  void StartOn(bool damaged, core::Millis check_after = core::Millis{0}) {
    std::filesystem::create_directories(dir_.File("data"));
    if (damaged) testing::MakeDatabaseWithADamagedMiddlePage(dir_.File("data/pingan.db"));
    DaemonOptions options;
    options.store_check_after = check_after;
    // Damage found at once stops the daemon, maybe before a token could be made.
    daemon_.Start(testing::InProcessDaemon::TestConfig(dir_.File("data")), clock_, options,
                  /*with_token=*/!damaged || check_after > core::Millis{0});
  }

  testing::TempDir dir_;
  core::SystemClock clock_;
  testing::InProcessDaemon daemon_;
};

// Damage is permanent: the daemon must not go on acking reports into the file (found
// from outside: ready, then STORE_UNAVAILABLE forever). It stops itself with the exit
// status the systemd unit does not restart on.
TEST_F(StoreCheckTest, ADamagedPageFoundAfterTheStartStopsTheDaemonForGood) {
  StartOn(/*damaged=*/true);
  ASSERT_TRUE(testing::Eventually([&] { return daemon_.Exited(); }));
  EXPECT_EQ(daemon_.exit_code(), kExitDatabaseDamaged);
}

TEST_F(StoreCheckTest, DamageFoundByTheOperatorsCheckStopsTheDaemonToo) {
  StartOn(/*damaged=*/true, /*check_after=*/std::chrono::hours{1});
  const json checked = daemon_.Control("store.check", {{"full", true}});
  ASSERT_TRUE(checked["ok"]) << checked.dump();
  EXPECT_FALSE(checked["result"]["ok"]);
  EXPECT_TRUE(checked["result"]["stopping"]);
  EXPECT_EQ(checked["result"]["check"], "integrity_check");
  EXPECT_NE(checked["result"]["problems"], "");
  ASSERT_TRUE(testing::Eventually([&] { return daemon_.Exited(); }));
  EXPECT_EQ(daemon_.exit_code(), kExitDatabaseDamaged);
}

TEST_F(StoreCheckTest, ASoundDatabaseChecksCleanAndWarnsNothing) {
  StartOn(/*damaged=*/false);
  const json checked = daemon_.Control("store.check", json::object());
  ASSERT_TRUE(checked["ok"]) << checked.dump();
  EXPECT_TRUE(checked["result"]["ok"]);
  EXPECT_EQ(checked["result"]["check"], "quick_check");
  EXPECT_EQ(daemon_.WarningCodes().count("store_damaged"), 0u);
  EXPECT_FALSE(checked["result"]["stopping"]);
  EXPECT_FALSE(daemon_.Exited());
}

}  // namespace
}  // namespace pingan::app

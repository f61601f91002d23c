// Reloading school keys on a running pingand (SIGHUP) never stops it: a malformed key
// file is reported and skipped, and the good keys beside it are loaded. Found from
// outside: with no school keys yet and one malformed x.pub, `kill -HUP` ended the
// daemon ("terminate called after throwing std::runtime_error", exit 134).
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <fstream>

#include "tests/fakes/temp_dir.h"
#include "tests/integration/daemon_process.h"
#include "tests/integration/school_fleet.h"

namespace pingan::testing {
namespace {

using namespace std::chrono_literals;

TEST(KeysReload, SighupWithAMalformedKeyFileKeepsServingAndLoadsTheGoodKeys) {
  TempDir dir;
  DaemonProcess daemon(dir.File("data"));
  const std::string endpoint = daemon.Start();  // no school keys yet
  std::ofstream(daemon.data_dir() + "/schools/x.pub") << "not a key\n";
  const wire::CurveKeyPair keys = daemon.Enroll("s1");
  daemon.Signal(SIGHUP);

  const auto today =
      date::year_month_day{date::floor<date::days>(std::chrono::system_clock::now())};
  SchoolFleet fleet({{"s1", keys}}, endpoint, daemon.ServerPublicKey());
  fleet.QueueAllClear(0, today);
  fleet.StartDelivery(30s);
  fleet.Join();
  EXPECT_EQ(fleet.Pending(), 0) << "s1's key was loaded beside the malformed file";
  EXPECT_TRUE(daemon.Running());
  EXPECT_NO_THROW(daemon.Control("status"));
}

}  // namespace
}  // namespace pingan::testing

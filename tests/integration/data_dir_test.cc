// The data directory as a whole, from outside. Found: two daemons on one directory
// both ran and wrote the same database, and the second took over control.sock so the
// first could no longer be reached; a SIGKILL during the very first start could leave
// daemon.key without daemon.pub, which was then never written.
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>

#include "tests/fakes/temp_dir.h"
#include "tests/integration/daemon_process.h"

namespace pingan::testing {
namespace {

namespace fs = std::filesystem;

TEST(DataDir, ASecondDaemonOnTheSameDirectoryStopsAndTheFirstStaysReachable) {
  TempDir dir;
  DaemonProcess first(dir.File("data"));
  first.Start();
  const auto socket_before = fs::last_write_time(first.data_dir() + "/control.sock");

  DaemonProcess second(dir.File("data"));
  EXPECT_THROW(second.Start(), std::runtime_error) << "pingand exited during start";
  EXPECT_FALSE(second.Running());
  EXPECT_EQ(fs::last_write_time(first.data_dir() + "/control.sock"), socket_before)
      << "control.sock was not replaced";
  EXPECT_NO_THROW(first.Control("status"));
  EXPECT_TRUE(first.Running());

  // Once the first is gone (however it ended), the directory is free again.
  first.Kill(SIGKILL);
  EXPECT_NO_THROW(second.Start());
  EXPECT_NO_THROW(second.Control("status"));
}

TEST(DataDir, AMissingDaemonPublicKeyIsWrittenAgainFromTheSecretKey) {
  TempDir dir;
  DaemonProcess daemon(dir.File("data"));
  daemon.Start();
  const std::string public_key = daemon.ServerPublicKey();
  daemon.Kill(SIGKILL);
  fs::remove(daemon.data_dir() + "/daemon.pub");  // what a kill between the two writes left

  daemon.Start();
  EXPECT_EQ(daemon.ServerPublicKey(), public_key) << "the same key pair, its .pub restored";
}

}  // namespace
}  // namespace pingan::testing

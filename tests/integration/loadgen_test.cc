// pingan-loadgen against a real pingand (CURVE, loopback): the schools' keys it writes
// are accepted, what it reports as acked is what the daemon stored, and a school whose
// key the daemon does not know is counted as refused, not as a timeout, and a daemon
// that is not there as a connect failure.
#include <gtest/gtest.h>

#include <SQLiteCpp/Database.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/integration/ctl_run.h"
#include "tests/integration/daemon_process.h"

namespace pingan::testing {
namespace {

CtlRun Loadgen(const TempDir& dir, const std::string& name, std::vector<std::string> args) {
  return RunProgram(PINGAN_LOADGEN_PATH, name, dir, args);
}

// Starts the daemon once so that it creates its keypair, then stops it.
void CreateDaemonKey(DaemonProcess& daemon) {
  daemon.Start();
  daemon.Kill(SIGTERM);
}

std::vector<std::string> RunArgs(const DaemonProcess& daemon, const std::string& endpoint,
                                 std::vector<std::string> more) {
  std::vector<std::string> args = {
      "run", "--endpoint", endpoint, "--server-key", daemon.data_dir() + "/daemon.pub", "--json"};
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

int64_t StoredSchools(const std::string& data_dir) {
  SQLite::Database db(data_dir + "/pingan.db", SQLite::OPEN_READONLY);
  return db.execAndGet("SELECT count(DISTINCT school_id) FROM reports").getInt64();
}

TEST(Loadgen, BurstOnFreshConnectionsAcksExactlyWhatTheDaemonStored) {
  TempDir dir;
  DaemonProcess daemon(dir.File("data"));
  CreateDaemonKey(daemon);
  const auto keys = Loadgen(
      dir, "keys",
      {"keys", "--schools", "20", "--out", daemon.data_dir() + "/schools", "--format", "dir"});
  ASSERT_EQ(keys.exit, 0) << keys.err;
  const std::string endpoint = daemon.Start();

  const auto run = Loadgen(dir, "run",
                           RunArgs(daemon, endpoint,
                                   {"--schools", "20", "--burst", "--window", "0.5", "--processes",
                                    "2", "--threads", "2", "--ack-timeout", "30000"}));
  ASSERT_EQ(run.exit, 0) << run.out << run.err;
  const auto result = nlohmann::json::parse(run.out);
  EXPECT_EQ(result["scheduled"], 20);
  EXPECT_EQ(result["acked"], 20);
  EXPECT_EQ(result["stored"], 20);
  EXPECT_EQ(result["errors"]["total"], 0);
  EXPECT_EQ(result["connections"], 20) << "one fresh connection per school";
  EXPECT_EQ(result["latency_ms"]["count"], 20);
  EXPECT_GT(result["latency_ms"]["p50"].get<double>(), 0.0);
  EXPECT_LE(result["latency_ms"]["p50"], result["latency_ms"]["max"]);

  EXPECT_EQ(daemon.Control("status")["reports"], result["acked"]);
  daemon.Kill(SIGTERM);
  EXPECT_EQ(StoredSchools(daemon.data_dir()), 20);
}

TEST(Loadgen, OpenConnectionsSendRepeatedlyWithKeysFromAListFile) {
  TempDir dir;
  DaemonProcess daemon(dir.File("data"));
  CreateDaemonKey(daemon);
  const auto keys =
      Loadgen(dir, "keys", {"keys", "--schools", "20", "--out", dir.File("keys"), "--seed", "s2"});
  ASSERT_EQ(keys.exit, 0) << keys.err;
  std::ofstream(dir.File("pingand.yaml"))
      << "curve:\n  school_keys: \"" << dir.File("keys/school-keys.list") << "\"\n";
  const std::string endpoint = daemon.Start({"--config", dir.File("pingand.yaml")});

  // 20 reports over 4 schools' connections (5 each) at 200 a second.
  const auto run = Loadgen(dir, "run",
                           RunArgs(daemon, endpoint,
                                   {"--schools", "20", "--seed", "s2", "--open", "--connections",
                                    "4", "--rate", "200", "--threads", "2"}));
  ASSERT_EQ(run.exit, 0) << run.out << run.err;
  const auto result = nlohmann::json::parse(run.out);
  EXPECT_EQ(result["acked"], 20);
  EXPECT_EQ(result["errors"]["total"], 0);
  EXPECT_EQ(result["connections"], 4);
  EXPECT_EQ(result["reconnects"], 0);

  EXPECT_EQ(daemon.Control("status")["reports"], result["acked"]);
  daemon.Kill(SIGTERM);
  EXPECT_EQ(StoredSchools(daemon.data_dir()), 4) << "each open connection is one school";
}

TEST(Loadgen, SchoolsWithUnknownKeysAreCountedAsRefused) {
  TempDir dir;
  DaemonProcess daemon(dir.File("data"));
  CreateDaemonKey(daemon);
  const auto keys = Loadgen(
      dir, "keys",
      {"keys", "--schools", "3", "--out", daemon.data_dir() + "/schools", "--format", "dir"});
  ASSERT_EQ(keys.exit, 0) << keys.err;
  const std::string endpoint = daemon.Start();

  const auto run = Loadgen(dir, "run",
                           RunArgs(daemon, endpoint,
                                   {"--schools", "3", "--seed", "not-enrolled", "--rate", "100",
                                    "--ack-timeout", "1500"}));
  EXPECT_EQ(run.exit, 3) << "errors make the exit status 3: " << run.err;
  const auto result = nlohmann::json::parse(run.out);
  EXPECT_EQ(result["acked"], 0);
  EXPECT_EQ(result["errors"]["key_refused"], 3);
  EXPECT_EQ(result["errors"]["timeout"], 0);
  EXPECT_EQ(daemon.Control("status")["reports"], 0);
}

TEST(Loadgen, NoDaemonListeningIsCountedAsConnectFailure) {
  TempDir dir;
  ASSERT_EQ(
      wire::WritePublicKeyFile(dir.File("daemon.pub"), wire::GenerateCurveKeyPair().public_z85),
      std::nullopt);
  // Port 1 on loopback: nothing listens there, the connection is refused at once.
  const auto run =
      Loadgen(dir, "run",
              {"run", "--endpoint", "tcp://127.0.0.1:1", "--server-key", dir.File("daemon.pub"),
               "--schools", "2", "--rate", "100", "--ack-timeout", "800", "--json"});
  EXPECT_EQ(run.exit, 3) << run.err;
  const auto result = nlohmann::json::parse(run.out);
  EXPECT_EQ(result["acked"], 0);
  EXPECT_EQ(result["errors"]["connect_failed"], 2);
  EXPECT_EQ(result["errors"]["total"], 2);
}

}  // namespace
}  // namespace pingan::testing

// pingan-loadgen: simulated schools for measuring pingand from outside (docs/performance.md).
// `keys` writes the schools' public keys for the daemon; `run` sends their reports at a
// steady rate or in a burst, over fresh or open connections, and prints what came back.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <iostream>

#include "agents/loadgen_keys.h"
#include "agents/loadgen_run.h"
#include "daemon/ingest/codec.h"
#include "daemon/ingest/curve_memory.h"

namespace {

using namespace pingan;
using namespace pingan::agent::loadgen;

struct Flags {
  FleetNaming naming;
  std::string out_dir;
  std::string format = "list";
  std::string endpoint = "tcp://127.0.0.1:7450";
  std::string server_key_file;
  double rate = 0;
  bool burst = false;
  double window_seconds = 0;
  bool open = false;
  size_t connections = 0;
  int64_t ack_timeout_ms = 10000;
  int64_t connect_timeout_ms = 30000;
  std::string zone = "Asia/Shanghai";
  bool json = false;
  RunOptions run;
};

void AddFleetOptions(CLI::App& cmd, Flags& f) {
  cmd.add_option("--schools", f.naming.schools, "Number of simulated schools")
      ->required()
      ->check(CLI::PositiveNumber);
  cmd.add_option("--first", f.naming.first, "Number of the first school (default 0)")
      ->check(CLI::NonNegativeNumber);
  cmd.add_option("--seed", f.naming.seed, "Seed the school keys are derived from")
      ->capture_default_str();
  cmd.add_option("--prefix", f.naming.prefix, "School id prefix")->capture_default_str();
}

int Keys(const Flags& f) {
  const KeyFormat format = f.format == "dir" ? KeyFormat::kDirectory : KeyFormat::kList;
  if (auto error = WriteLoadgenKeys(f.naming, format, f.out_dir)) {
    std::cerr << "pingan-loadgen: " << *error << "\n";
    return 1;
  }
  std::cout << "wrote " << f.naming.schools << " school keys to "
            << (format == KeyFormat::kList ? f.out_dir + "/" + kKeyListName : f.out_dir + "/")
            << "\n";
  return 0;
}

int Run(Flags& f) {
  auto& o = f.run;
  auto key = wire::ReadPublicKeyFile(f.server_key_file);
  if (auto* e = std::get_if<wire::KeyError>(&key)) {
    std::cerr << "pingan-loadgen: " << e->message << "\n";
    return 2;
  }
  o.worker.server_public_key = std::get<std::string>(key);
  o.worker.endpoint = f.endpoint;
  o.worker.naming = f.naming;
  o.worker.schedule.reports = f.naming.schools;
  o.worker.schedule.pace = f.burst ? Pace::kBurst : Pace::kRate;
  o.worker.schedule.rate = f.rate;
  o.worker.schedule.window = Micros{static_cast<int64_t>(f.window_seconds * 1e6)};
  o.worker.ack_timeout = std::chrono::milliseconds{f.ack_timeout_ms};
  o.worker.connect_timeout = std::chrono::milliseconds{f.connect_timeout_ms};
  o.connections =
      f.open ? (f.connections > 0 ? f.connections
                                  : std::min<size_t>(static_cast<size_t>(f.naming.schools), 1000))
             : 0;
  try {
    o.worker.zone = date::locate_zone(f.zone);
  } catch (const std::exception&) {
    std::cerr << "pingan-loadgen: unknown time zone '" << f.zone << "'\n";
    return 2;
  }
  if (auto problem = CheckRunOptions(o); !problem.empty()) {
    std::cerr << "pingan-loadgen: " << problem << "\n";
    return 2;
  }
  LoadStats stats;
  try {
    stats = RunLoad(o);
  } catch (const std::exception& e) {
    std::cerr << "pingan-loadgen: " << e.what() << "\n";
    return 1;
  }
  const auto summary = stats.Summary(o.worker.schedule);
  if (f.json) {
    std::cout << summary.dump(2) << "\n";
  } else {
    std::cout << FormatSummary(summary);
  }
  return stats.errors.total() == 0 && stats.acked() == stats.scheduled ? 0 : 3;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "pingan-loadgen: simulated schools for measuring pingand from outside. Each school "
      "has its own CURVE key (derived from --seed) and sends what a deployed agent sends."};
  app.require_subcommand(1);
  Flags f;

  auto* keys = app.add_subcommand(
      "keys", "Write the schools' public keys for the daemon (its curve.school_keys)");
  AddFleetOptions(*keys, f);
  keys->add_option("--out", f.out_dir, "Directory to write to (created if absent)")->required();
  keys->add_option("--format", f.format,
                   "list: one file school-keys.list (for many schools); dir: <school>.pub files")
      ->check(CLI::IsMember({"list", "dir"}))
      ->capture_default_str();

  auto* run = app.add_subcommand("run", "Send the schools' reports and measure the acks");
  AddFleetOptions(*run, f);
  run->add_option("--endpoint", f.endpoint, "The daemon's report endpoint")->capture_default_str();
  run->add_option("--server-key", f.server_key_file, "The daemon's public key file (daemon.pub)")
      ->required();
  auto* rate = run->add_option("--rate", f.rate, "Steady pace: schools per second")
                   ->check(CLI::PositiveNumber);
  auto* burst = run->add_flag("--burst", f.burst, "All schools within --window seconds");
  auto* window = run->add_option("--window", f.window_seconds, "Burst window in seconds")
                     ->check(CLI::PositiveNumber);
  burst->needs(window)->excludes(rate);
  window->needs(burst);
  run->add_flag("--open", f.open, "Keep connections open and send over them repeatedly");
  run->add_option("--connections", f.connections,
                  "With --open: schools connected at once, each sending its share of the "
                  "reports (default: --schools, at most 1000)");
  run->add_option("--processes", f.run.processes, "Worker processes")->capture_default_str();
  run->add_option("--threads", f.run.threads, "Worker threads per process")->capture_default_str();
  run->add_option("--io-threads", f.run.io_threads, "ZeroMQ I/O threads per process")
      ->capture_default_str();
  run->add_option("--ack-timeout", f.ack_timeout_ms, "Milliseconds to wait for an ack")
      ->capture_default_str();
  run->add_option("--connect-timeout", f.connect_timeout_ms,
                  "With --open: milliseconds for all connections to come up")
      ->capture_default_str();
  run->add_option("--max-open", f.run.worker.max_open,
                  "Fresh connections at once per thread (sends wait beyond it)")
      ->capture_default_str();
  run->add_option("--zone", f.zone, "Time zone of the schools (their 'today')")
      ->capture_default_str();
  run->add_flag("--json", f.json, "Print the result as JSON");

  CLI11_PARSE(app, argc, argv);
  // Warnings to stderr: stdout carries the result (--json is read by scripts).
  spdlog::set_default_logger(spdlog::stderr_color_mt("loadgen"));
  spdlog::set_level(spdlog::level::warn);
  if (keys->parsed()) return Keys(f);
  if (!f.burst && f.rate <= 0) {
    std::cerr << "pingan-loadgen: give --rate R or --burst --window S\n";
    return 2;
  }
  // Thousands of CURVE handshakes a second: their buffers from the locked arena, as in
  // pingand, so the generator's own allocations do not limit what it can offer.
  pingan::wire::UseCurveMemoryArena();
  return Run(f);
}

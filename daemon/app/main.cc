// pingand: receives school safety reports, stores them, and (as the project grows)
// detects missing reports and escalates. See `pingand --help`.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <boost/asio/signal_set.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include "daemon/app/daemon.h"
#include "daemon/app/file_limit.h"
#include "daemon/config/config.h"
#include "daemon/config/escalation_config.h"
#include "daemon/config/schedule_loader.h"
#include "daemon/console/password_worker.h"
#include "daemon/core/drill_clock.h"
#include "daemon/core/system_clock.h"
#include "daemon/ingest/codec.h"
#include "daemon/ingest/curve_memory.h"

namespace {

using pingan::config::ConfigError;
using pingan::config::DaemonConfig;

struct Flags {
  std::string config_file;
  bool check_config = false;
  bool print_default = false;
  bool insecure_dev = false;
  std::string clock = "system";
  std::string drill_start;
  double drill_speed = 1.0;
  std::string log_level;
  std::string listen;
  std::string data_dir;
  std::string endpoint_file;
  std::string org_file;
  std::string calendars_file;
  std::string escalation_file;
  std::optional<std::string> http_listen;
};

std::optional<pingan::core::Instant> ParseInstant(const std::string& text) {
  std::istringstream in(text);
  date::sys_time<std::chrono::milliseconds> t;
  in >> date::parse("%FT%T%Ez", t);
  if (in.fail()) return std::nullopt;
  return t;
}

// Loads the escalation file (if configured) against the organisation, as Start would.
std::optional<std::string> CheckEscalation(const DaemonConfig& config,
                                           const pingan::config::SharedSchedule& schedule) {
  auto prepared = pingan::config::LoadEscalationFor(config, schedule ? &schedule->tree : nullptr,
                                                    schedule ? &schedule->calendars : nullptr,
                                                    schedule ? &schedule->requirements : nullptr);
  if (auto* err = std::get_if<pingan::config::LoadError>(&prepared)) return err->ToString();
  // Deprecated keys and unconfigured channels: the configuration works, but say so.
  if (const auto& setup = std::get<pingan::config::SharedEscalation>(prepared)) {
    for (const std::string& w : setup->warnings) std::cerr << "pingand: warning: " << w << "\n";
  }
  return std::nullopt;
}

int Fail(const std::string& message) {
  std::cerr << "pingand: " << message << "\n";
  return 1;
}

int RunDaemon(const DaemonConfig& config, const Flags& flags) {
  pingan::core::SystemClock system_clock;
  std::unique_ptr<pingan::core::DrillClock> drill;
  const pingan::core::Clock* clock = &system_clock;
  if (flags.clock == "drill") {
    auto start = ParseInstant(flags.drill_start);
    if (!start)
      return Fail("--start needs an ISO 8601 time with offset, e.g. 2026-10-01T08:00:00+08:00");
    drill = std::make_unique<pingan::core::DrillClock>(system_clock, *start, flags.drill_speed);
    clock = drill.get();
    spdlog::warn("DRILL CLOCK: simulated time starts at {} and runs at {}x", flags.drill_start,
                 flags.drill_speed);
  }
  const pingan::app::FileLimit files = pingan::app::RaiseFileLimit();
  if (!files.error.empty()) {
    spdlog::warn(
        "open files: cannot raise the limit of {} ({}); HTTP connections are capped "
        "to fit it",
        files.soft, files.error);
  } else {
    spdlog::info("open files: limit {} (was {}, hard limit {})", files.soft, files.before,
                 files.hard);
  }
  pingan::app::DaemonOptions options;
  options.insecure_dev = flags.insecure_dev;
  options.drill = drill.get();
  // A drill clock jumps on purpose; the system clock must not.
  options.watch_clock_steps = drill == nullptr;
  pingan::app::Daemon daemon(config, *clock, options);
  try {
    const std::string endpoint = daemon.Start();
    if (!flags.endpoint_file.empty()) std::ofstream(flags.endpoint_file) << endpoint << "\n";
  } catch (const std::exception& e) {
    return Fail(e.what());
  }
  boost::asio::signal_set stop_signals(daemon.io(), SIGINT, SIGTERM);
  stop_signals.async_wait([&](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    spdlog::info("signal {}: stopping", signal);
    daemon.Stop();
  });
  boost::asio::signal_set hup(daemon.io(), SIGHUP);
  std::function<void()> wait_hup = [&] {
    hup.async_wait([&](const boost::system::error_code& ec, int) {
      if (ec) return;
      spdlog::info("SIGHUP: reloading keys, organisation, calendars and escalation");
      daemon.Reload();
      wait_hup();
    });
  };
  wait_hup();
  daemon.Run();
  if (daemon.exit_code() != 0) {
    spdlog::critical("pingand stopped (exit status {})", daemon.exit_code());
    return daemon.exit_code();
  }
  spdlog::info("pingand stopped");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"pingand: collects school safety check-ins and notices who did not report"};
  Flags flags;
  app.add_option("-c,--config", flags.config_file, "YAML configuration file (default: embedded)")
      ->check(CLI::ExistingFile);
  app.add_flag("--check-config", flags.check_config, "Validate the configuration and exit");
  app.add_flag("--print-default-config", flags.print_default,
               "Print the embedded default configuration (a commented sample) and exit");
  app.add_flag("--insecure-dev", flags.insecure_dev,
               "No CURVE, no authentication: only for local experiments");
  app.add_option("--clock", flags.clock, "system, or drill for rehearsals")
      ->check(CLI::IsMember({"system", "drill"}));
  app.add_option("--start", flags.drill_start, "Drill clock start, e.g. 2026-10-01T08:00:00+08:00");
  app.add_option("--speed", flags.drill_speed, "Drill clock speed factor (60: a minute is an hour)")
      ->check(CLI::PositiveNumber);
  app.add_option("--log-level", flags.log_level, "Overrides log_level");
  app.add_option("--listen", flags.listen, "Overrides listen");
  app.add_option("--http-listen", flags.http_listen,
                 "Overrides http.listen (host:port; \"\" turns the HTTP API off)");
  app.add_option("--data-dir", flags.data_dir, "Overrides data_dir");
  app.add_option("--org", flags.org_file, "Overrides org.file (organisation YAML)");
  app.add_option("--calendars", flags.calendars_file, "Overrides calendars.file");
  app.add_option("--escalation", flags.escalation_file,
                 "Overrides escalation.file (policies, rosters, channels)");
  app.add_option("--endpoint-file", flags.endpoint_file,
                 "Write the bound endpoint here once listening (for scripts and tests)");
  CLI11_PARSE(app, argc, argv);

  if (flags.print_default) {
    std::cout << pingan::config::kDefaultConfigYaml;
    return 0;
  }
  DaemonConfig config;
  if (flags.config_file.empty()) {
    config = pingan::config::DefaultConfig();
  } else {
    auto loaded = pingan::config::LoadConfigFile(flags.config_file);
    if (auto* err = std::get_if<ConfigError>(&loaded)) return Fail(err->ToString());
    config = std::get<DaemonConfig>(std::move(loaded));
  }
  if (!flags.listen.empty()) config.listen = flags.listen;
  if (flags.http_listen) config.http.listen = *flags.http_listen;
  if (!flags.data_dir.empty()) {
    if (flags.config_file.empty()) config.config_dir = flags.data_dir;
    config.data_dir = flags.data_dir;
  }
  if (!flags.log_level.empty()) config.log_level = flags.log_level;
  // Paths given on the command line are relative to the working directory.
  if (!flags.org_file.empty()) config.org_file = std::filesystem::absolute(flags.org_file);
  if (!flags.escalation_file.empty()) {
    config.escalation_file = std::filesystem::absolute(flags.escalation_file);
  }
  if (!flags.calendars_file.empty()) {
    config.calendars_file = std::filesystem::absolute(flags.calendars_file);
  }
  if (flags.check_config) {
    // Load everything the daemon would, so a bad org or calendar file fails here too.
    auto schedule = pingan::config::LoadSchedule(config);
    if (auto* err = std::get_if<std::string>(&schedule)) return Fail(*err);
    if (auto err = CheckEscalation(config, std::get<pingan::config::SharedSchedule>(schedule))) {
      return Fail(*err);
    }
    std::cout << "configuration OK: " << config.source << "\n";
    return 0;
  }
  // Argon2id in a child process, forked while this process has no thread yet.
  std::string no_worker;
  auto worker = pingan::console::PasswordWorker::Start(&no_worker);
  spdlog::set_default_logger(spdlog::stderr_color_mt("pingand"));
  spdlog::set_level(spdlog::level::from_str(config.log_level));
  if (!worker) spdlog::warn("no password worker ({}): passwords are hashed in pingand", no_worker);
  pingan::console::UsePasswordWorker(std::move(worker));
  if (!pingan::wire::UseCurveMemoryArena()) {
    spdlog::info(
        "CURVE handshake buffers: libsodium's guarded allocations (slower per connection)");
  }
  pingan::wire::RouteProtobufLogs();
  return RunDaemon(config, flags);
}

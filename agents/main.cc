// pingan-agent: the school side of pingan. Parses the command line and hands over to
// agents/commands.h; see `pingan-agent --help` and deploy/agent.example.yaml.
#include <signal.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>
#include <sstream>

#include "agents/agent_config.h"
#include "agents/commands.h"
#include "daemon/core/system_clock.h"
#include "daemon/ingest/codec.h"

namespace {

using namespace pingan;
using namespace pingan::agent;

struct GlobalFlags {
  std::string config_file;
  ConfigOverrides overrides;
  std::string spool, school, server_key, key;
  int verbosity = 0;
};

// Waits on SIGINT/SIGTERM, which main blocked for every thread (libzmq's included), so
// the service loop sleeps and notices a stop request in one place.
bool WaitForStopSignal(core::Millis timeout) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  const auto ms = std::max<int64_t>(0, timeout.count());
  const timespec ts{static_cast<time_t>(ms / 1000), static_cast<long>((ms % 1000) * 1000000)};
  return sigtimedwait(&set, nullptr, &ts) > 0;
}

std::optional<AgentConfig> LoadConfig(const GlobalFlags& flags) {
  AgentConfig config;
  if (!flags.config_file.empty()) {
    auto loaded = LoadAgentConfig(flags.config_file);
    if (auto* e = std::get_if<AgentConfigError>(&loaded)) {
      std::cerr << "pingan-agent: " << e->ToString() << "\n";
      return std::nullopt;
    }
    config = std::get<AgentConfig>(std::move(loaded));
  }
  ApplyOverrides(config, flags.overrides);
  return config;
}

void SetUpLogging(int verbosity, bool service) {
  auto logger = spdlog::stderr_color_mt("pingan-agent");
  spdlog::set_default_logger(logger);
  spdlog::set_level(verbosity > 1   ? spdlog::level::trace
                    : verbosity > 0 ? spdlog::level::debug
                    : service       ? spdlog::level::info
                                    : spdlog::level::warn);
}

template <typename T>
void Optional(CLI::Option* option, std::optional<T>& target, const T& value) {
  if (option->count() > 0) target = value;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "pingan-agent: send a school's daily all-clear, incidents and monthly summaries "
      "to the pingan daemon. Every report is spooled locally first and resent until "
      "the daemon acknowledges it."};
  app.require_subcommand(1);
  app.fallthrough();
  GlobalFlags g;
  app.add_option("--config", g.config_file, "YAML configuration file (see agent.example.yaml)");
  auto* spool_opt = app.add_option("--spool", g.spool, "spool file (SQLite)");
  auto* school_opt = app.add_option("--school", g.school, "this school's id");
  app.add_option("--endpoint", g.overrides.endpoints, "daemon endpoint, repeatable (failover)");
  auto* server_key_opt =
      app.add_option("--server-key", g.server_key, "daemon public key (Z85) or its .pub file");
  auto* key_opt = app.add_option("--key", g.key, "this school's secret key file");
  app.add_flag("--insecure-dev", g.overrides.insecure_dev,
               "no CURVE encryption (only for a daemon started with --insecure-dev)");
  app.add_flag("-v", g.verbosity, "more log output (repeat for more)");

  std::string keygen_out;
  auto* keygen = app.add_subcommand("keygen", "create this school's CURVE keypair");
  keygen->add_option("--out", keygen_out, "writes OUT.key (secret) and OUT.pub")->required();

  int wait_seconds = 10;
  std::optional<std::string> date;
  std::string date_text;
  auto add_common = [&](CLI::App* cmd) {
    cmd->add_option("--date", date_text, "covered date YYYY-MM-DD (default: today)");
    cmd->add_option("--wait", wait_seconds, "seconds to wait for the acknowledgement")
        ->check(CLI::NonNegativeNumber);
  };
  auto* all_clear = app.add_subcommand("all-clear", "报平安: nothing happened today");
  add_common(all_clear);

  IncidentInput incident;
  std::string occurred_at, summary_file;
  auto* inc = app.add_subcommand("incident", "report an incident (突发事件)");
  inc->add_option("--category", incident.category, "e.g. fire, food_safety, fight")->required();
  inc->add_option("--severity", incident.severity, "I (most serious) .. IV, or 1..4")->required();
  auto* summary_opt =
      inc->add_option("--summary", incident.summary,
                      "what happened; - reads it from stdin (text given here is visible in ps)");
  auto* summary_file_opt = inc->add_option("--summary-file", summary_file,
                                           "read what happened from a file, - = stdin (preferred)");
  summary_opt->excludes(summary_file_opt);
  auto* occurred_opt =
      inc->add_option("--occurred-at", occurred_at, "ISO 8601, local time if no offset");
  inc->add_option("--injured", incident.injured, "number injured");
  inc->add_option("--dead", incident.dead, "number dead");
  inc->add_option("--missing", incident.missing, "number missing");
  inc->add_flag("--leader-attention", incident.needs_leader_attention,
                "leaders must be told at once (需领导关注)");
  add_common(inc);

  MonthlyInput monthly;
  auto* mon = app.add_subcommand("monthly", "monthly safety summary (figures only)");
  mon->add_option("--month", monthly.month, "YYYY-MM")->required();
  mon->add_option("--hazards-found", monthly.hazards_found, "hazards found (隐患排查)");
  mon->add_option("--hazards-rectified", monthly.hazards_rectified, "hazards fixed (整改)");
  mon->add_option("--drills", monthly.drills_held, "emergency drills held");
  mon->add_option("--incidents", monthly.incidents, "incidents this month");
  mon->add_option("--wait", wait_seconds, "seconds to wait for the acknowledgement")
      ->check(CLI::NonNegativeNumber);

  bool json = false;
  size_t last = 10;
  auto* status = app.add_subcommand("status", "what the spool holds");
  status->add_flag("--json", json, "machine-readable output");
  status->add_option("--last", last, "how many recent reports to list");
  auto* run = app.add_subcommand("run", "service mode: keep delivering the spool until stopped");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? kExitOk : kExitRefused;
  }
  Optional(spool_opt, g.overrides.spool_path, g.spool);
  Optional(school_opt, g.overrides.school_id, g.school);
  Optional(server_key_opt, g.overrides.server_public_key, g.server_key);
  Optional(key_opt, g.overrides.key_file, g.key);
  if (!date_text.empty()) date = date_text;
  incident.date = date;
  if (occurred_opt->count() > 0) incident.occurred_at = occurred_at;

  const bool service = run->parsed();
  if (service) {
    // Before any thread exists, so that libzmq's threads inherit the mask too.
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    // systemd's reload (and a closed terminal) sends SIGHUP, whose default action ends
    // the process as if stopped on purpose, and nothing would restart it. The agent
    // reads its configuration at start only: a restart applies changes.
    ::signal(SIGHUP, SIG_IGN);
  }
  SetUpLogging(g.verbosity, service);
  wire::RouteProtobufLogs();
  core::SystemClock clock;
  CommandIo io{std::cout, std::cerr, clock, WaitForStopSignal};
  if (keygen->parsed()) return RunKeygen(keygen_out, io);
  auto config = LoadConfig(g);
  if (!config) return kExitFailure;
  try {
    const core::Millis wait = std::chrono::seconds{wait_seconds};
    if (all_clear->parsed()) {
      return SubmitReport(
          *config, [&](const ReportContext& c) { return BuildAllClear(c, date); }, wait, io);
    }
    if (inc->parsed()) {
      if (summary_opt->count() == 0 && summary_file_opt->count() == 0) {
        std::cerr << "pingan-agent: refused: an incident needs --summary or --summary-file\n";
        return kExitRefused;
      }
      auto text = ReadSummary(incident.summary, summary_file, std::cin);
      if (!text) {
        std::cerr << "pingan-agent: refused: cannot read " << summary_file << "\n";
        return kExitRefused;
      }
      incident.summary = *text;
      return SubmitReport(
          *config, [&](const ReportContext& c) { return BuildIncident(c, incident); }, wait, io);
    }
    if (mon->parsed()) {
      return SubmitReport(
          *config, [&](const ReportContext& c) { return BuildMonthly(c, monthly); }, wait, io);
    }
    if (status->parsed()) return ShowStatus(*config, json, last, io);
    return RunService(*config, std::chrono::seconds{1}, io);
  } catch (const std::exception& e) {
    // SQLite I/O errors and the like: nothing input-related ends up here.
    std::cerr << "pingan-agent: " << e.what() << "\n";
    return kExitFailure;
  }
}

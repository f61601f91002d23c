// DaemonConfig: pingand's settings, read from YAML with errors that name file, line
// and key; unknown keys are errors (a typo must not silently fall back to a default).
//
// Without --config the daemon runs on an embedded default (kDefaultConfigYaml), which
// is also what `pingand --print-default-config` prints: a commented sample where every
// key has a paragraph. Plain values; no threading concerns.
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "daemon/config/load_error.h"
#include "daemon/core/rate_limiter.h"
#include "daemon/core/report.h"

namespace pingan::config {

// The same error shape as every loader's: file, line, key (a dotted path such as
// "ingest.backlog") and message.
using ConfigError = LoadError;

// The HTTP API (`http:`): where it listens (optionally over TLS), sessions and login
// throttling.
struct HttpSettings {
  std::string listen = "127.0.0.1:8080";  // "host:port"; "" = no HTTP API
  // HTTPS on `listen` when both are set (PEM chain, PEM unencrypted key; relative to
  // the config file's directory). Parsing loads them: one without the other, an
  // unreadable file or a key of another certificate is a ConfigError.
  std::string tls_cert_file;
  std::string tls_key_file;
  int session_idle_minutes = 30;
  int session_absolute_hours = 12;
  int login_free_failures = 5;
  int login_lockout_seconds = 30;
  int login_max_lockout_minutes = 15;
  int login_address_free_failures = 30;
  int login_user_failures_per_minute = 10;
  int login_max_tracked = 20000;
  // Threads that run the API's database reads and commands (the read pool).
  int read_workers = 2;
  // HTTP connections held at once, in all (lowered further to leave file descriptors
  // for the store and the schools: console::ConnectionBudget) and per client address.
  int max_connections = 512;
  int max_connections_per_address = 64;
  // Reverse proxies (addresses or networks) whose X-Forwarded-For and
  // X-Forwarded-Proto are believed; checked by parsing.
  std::vector<std::string> trusted_proxies;
};

// Watching pingand itself (`monitoring:`): who may read /metrics, the outbound
// heartbeat, the stop timeout, the silent intake and clock step warnings.
struct MonitoringSettings {
  // Addresses or networks that may read /metrics without a token; everyone else needs
  // an API token of a role that views status (Authorization: Bearer).
  std::vector<std::string> metrics_open_to = {"127.0.0.1", "::1"};
  // GET this URL every heartbeat_minutes while the daemon is ready ("" = none).
  std::string heartbeat_url;
  int heartbeat_minutes = 5;
  // How long a stop (SIGTERM) waits for the store to commit and ack what it holds.
  int stop_timeout_seconds = 10;
  // A deadline passing with at least this many schools owing and not one report warns
  // that the intake may be cut off (ops::LooksLikeSilentIntake).
  int silent_intake_min_owed = 10;
  // A wall clock that moves this much more (or less) than real time between two
  // readings is a step: deadline decisions are held at the step (core::ClockStepGuard)
  // until an operator confirms the time, or clock_settle_minutes have passed (0: only an
  // operator releases them).
  int clock_step_seconds = 120;
  int clock_settle_minutes = 30;
  // PRAGMA quick_check of the live database this often (and 10 s after the start).
  int database_check_hours = 24;
};

// Member initializers only make a value well-formed; the defaults that count are
// those of the embedded YAML (DefaultConfig), so the sample and the code cannot drift.
struct DaemonConfig {
  std::string source = "<embedded default>";  // the file it came from
  std::string listen = "tcp://127.0.0.1:7450";
  std::string data_dir = "pingan-data";
  std::string database = "pingan.db";  // relative paths are under data_dir
  std::string server_key_file = "daemon.key";
  bool generate_server_key = true;  // create the daemon keypair when the file is absent
  std::string school_keys = "schools";
  std::string time_zone = "Asia/Shanghai";
  std::string log_level = "info";
  int backlog = 4096;
  // Report-port connections held at once (ingest.max_connections), lowered further to
  // fit the open-file limit (console::ConnectionBudget).
  size_t max_connections = 20000;
  size_t max_pending = 50000;
  core::ReportRate per_school_rate;  // ingest.per_school_rate, ingest.per_school_burst
  size_t max_batch = 4096;
  int incident_text_retention_days = 365;
  core::ReportLimits limits;
  // Paths of the organisation, calendar and requirement files (relative to the
  // config file's directory); empty = none configured.
  std::string org_file;
  std::string schools_csv;
  std::string calendars_file;
  // Escalation policies, rosters and notification channels (relative to the config
  // file's directory); empty = no escalation: alerts stay on the console only.
  std::string escalation_file;
  std::string config_dir = ".";  // where relative org/calendar paths start
  HttpSettings http;
  MonitoringSettings monitoring;

  // Resolves a path relative to data_dir / to the config file (absolute paths kept).
  std::string DataPath(const std::string& path) const;
  std::string ConfigPath(const std::string& path) const;
};

extern const char* const kDefaultConfigYaml;

// The embedded default, parsed. Relative org/calendar paths resolve under data_dir.
DaemonConfig DefaultConfig();
// A config file overlays the embedded default: keys it leaves out keep their defaults.
std::variant<DaemonConfig, ConfigError> LoadConfigFile(const std::string& path);
std::variant<DaemonConfig, ConfigError> ParseConfig(const std::string& yaml_text,
                                                    const std::string& source_name,
                                                    DaemonConfig base);

}  // namespace pingan::config

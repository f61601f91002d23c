// AgentConfig: pingan-agent's settings, from a YAML file (see agent.example.yaml, where
// every key has a paragraph) and then command-line flags, which win.
//
// Errors are values that name the file, the line and the key; unknown keys are errors
// (a typo must not silently fall back to a default). Relative paths in the file are
// relative to the file's directory; paths given on the command line are relative to
// the working directory. Plain values; no threading concerns.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <date/tz.h>

#include "agents/backoff.h"
#include "agents/sender.h"
#include "daemon/core/clock.h"
#include "daemon/core/result.h"

namespace pingan::agent {

// A core::Error (file, line, key: a dotted path such as "backoff.min", message) that
// reads as a sentence: "agent.yaml:7: 'backoff.min' must be a duration ...".
struct AgentConfigError : core::Error {
  std::string ToString() const;
};

struct AgentConfig {
  std::string source = "<defaults>";  // the file it came from
  std::string school_id;
  std::vector<std::string> endpoints;  // tried in order; failover to the next
  std::string server_public_key;       // the daemon's Z85 key, or a path to its .pub file
  std::string key_file;                // the school's secret key file (keygen writes it)
  std::string spool_path = "pingan-agent-spool.db";
  std::string time_zone = "Asia/Shanghai";
  core::Millis ack_timeout{std::chrono::seconds{10}};
  core::Millis idle_close{std::chrono::seconds{30}};
  BackoffPolicy backoff;  // min 1s, max 5m, factor 2, full jitter
  size_t max_in_flight = 64;
  int keep_acked_days = 30;  // acked rows are purged from the spool after this
  bool insecure_dev = false;
};

std::variant<AgentConfig, AgentConfigError> LoadAgentConfig(const std::string& path);
// `base_dir` anchors relative paths (the config file's directory).
std::variant<AgentConfig, AgentConfigError> ParseAgentConfig(const std::string& yaml_text,
                                                             const std::string& source_name,
                                                             const std::string& base_dir);

// Command-line flags; set ones replace the file's values.
struct ConfigOverrides {
  std::optional<std::string> spool_path;
  std::optional<std::string> school_id;
  std::vector<std::string> endpoints;  // non-empty replaces the whole list
  std::optional<std::string> server_public_key;
  std::optional<std::string> key_file;
  bool insecure_dev = false;  // can only switch insecure mode on
};
void ApplyOverrides(AgentConfig& config, const ConfigOverrides& overrides);

// "" when reports can be built (school id valid, time zone known), else the problem.
std::string CheckReportingSettings(const AgentConfig& config);
// The zone of `config.time_zone`; call CheckReportingSettings first.
const date::time_zone& AgentTimeZone(const AgentConfig& config);

// Reads the key files and builds the Sender's options, or says what is missing.
std::variant<SenderOptions, std::string> MakeSenderOptions(const AgentConfig& config);

}  // namespace pingan::agent

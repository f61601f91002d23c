// Internal to escalation_config.cc and escalation_channels.cc: typed reads of the
// escalation YAML on top of YamlReader (numbers, secrets, channel lists, recipients),
// and the channel section reader. A value bound to one file; one thread.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "daemon/config/escalation_config.h"
#include "daemon/config/loader_support.h"

namespace pingan::config::escalation_yaml {

class Reader : public YamlReader {
 public:
  using YamlReader::YamlReader;

  // A number within [lo, hi] (integers and decimals).
  std::optional<LoadError> Real(const YAML::Node& map, const std::string& path, const char* key,
                                double& out, double lo, double hi) const;
  std::optional<LoadError> Int(const YAML::Node& map, const std::string& path, const char* key,
                               int& out, int lo, int hi) const;
  // Text that may be "env:NAME" (read from the environment; an unset variable is an error).
  std::optional<LoadError> Secret(const YAML::Node& map, const std::string& path, const char* key,
                                  std::string& out) const;
  std::optional<LoadError> Channels(const YAML::Node& map, const std::string& path, const char* key,
                                    std::vector<core::ChannelKind>& out) const;
  // {name, phone, email, webhook}; a name and at least one address are required.
  std::optional<LoadError> Person(const YAML::Node& n, const std::string& path,
                                  core::Recipient& out) const;
  // A mapping of header names to (secret) values.
  std::optional<LoadError> HeaderMap(const YAML::Node& map, const std::string& path,
                                     const char* key,
                                     std::vector<std::pair<std::string, std::string>>& out) const;
};

// The `policies:` list (escalation_policies.cc); deprecation warnings go to s.warnings.
std::optional<LoadError> ReadPolicies(const Reader& r, const YAML::Node& n, const std::string& path,
                                      EscalationSettings& s);

// The `channels:` section: smtp, sms, webhooks.
std::optional<LoadError> ReadChannels(const Reader& r, const YAML::Node& n, const std::string& path,
                                      EscalationSettings& out);

// Channels named by policies, the leader rule, `channels.reminders` or the reminder
// routes of `requirements` (null: none) but not configured: each send there fails
// permanently and falls back, which an administrator wants to know at start.
std::vector<std::string> ChannelWarnings(const EscalationSettings& s,
                                         const std::vector<core::Requirement>* requirements);

}  // namespace pingan::config::escalation_yaml

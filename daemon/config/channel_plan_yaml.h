// The channels of an escalation step or a reminder in YAML: `fallback: [sms, email]`
// (one message, tried channel after channel until one delivers) or `all_at_once: [sms,
// email, webhook]` (one message on every channel at the same time). The older
// `channels:` still reads as `fallback:`, with a deprecation warning naming file:line.
// A plain function over a YamlReader; one thread.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "daemon/config/loader_support.h"
#include "daemon/core/recipient.h"

namespace pingan::config {

// Reads at most one of fallback, all_at_once and channels from mapping `n`; leaves
// `channels` and `all_at_once` as they are when none is given (the caller's default).
// Warnings (the deprecated key) are appended to `warnings` as "file:line: key: text".
std::optional<LoadError> ReadChannelPlan(const YamlReader& r, const YAML::Node& n,
                                         const std::string& path,
                                         std::vector<core::ChannelKind>& channels,
                                         bool& all_at_once, std::vector<std::string>& warnings);

}  // namespace pingan::config

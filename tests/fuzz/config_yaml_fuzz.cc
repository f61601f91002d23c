// libFuzzer target: any bytes as pingand.yaml (ParseConfig over the embedded default).
// A refusal is a clear error naming the file; an accepted config is usable: the same
// text parses to the same result again, and its paths resolve.
#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>

#include "daemon/config/config.h"
#include "tests/fuzz/loader_fuzz_support.h"

using namespace pingan;
using fuzz::Require;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const config::DaemonConfig kDefault = config::DefaultConfig();
  const std::string text = fuzz::AsText(data, size);
  auto parsed = config::ParseConfig(text, "pingand.yaml", kDefault);
  if (const auto* error = std::get_if<config::ConfigError>(&parsed)) {
    fuzz::RequireClearError(*error, "pingand.yaml");
    return 0;
  }
  const auto& config = std::get<config::DaemonConfig>(parsed);
  Require(!config.DataPath(config.database).empty());
  Require(!config.time_zone.empty());
  Require(config.max_connections > 0 && config.max_batch > 0);
  // Parsing is a function of the text: a second parse gives the same answer.
  auto again = config::ParseConfig(text, "pingand.yaml", kDefault);
  Require(std::holds_alternative<config::DaemonConfig>(again));
  Require(std::get<config::DaemonConfig>(again).database == config.database);
  return 0;
}

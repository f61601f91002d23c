// libFuzzer target: any bytes as escalation.yaml (ParseEscalationYaml), then prepared
// against the sample organisation (PrepareEscalation) without its roster files (the
// roster formats have targets of their own). A refusal at either step is a clear error;
// a prepared setup keeps the settings it was given.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <variant>

#include "daemon/config/escalation_config.h"
#include "tests/fuzz/loader_fuzz_support.h"

using namespace pingan;
using fuzz::Require;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto parsed = config::ParseEscalationYaml(fuzz::AsText(data, size), "escalation.yaml",
                                            "/nonexistent/pingan-fuzz");
  if (const auto* error = std::get_if<config::LoadError>(&parsed)) {
    fuzz::RequireClearError(*error, "escalation.yaml");
    return 0;
  }
  auto settings = std::get<config::EscalationSettings>(std::move(parsed));
  Require(settings.source == "escalation.yaml");
  settings.roster_file.clear();
  settings.roster_sources.clear();
  const int batch = settings.batch;
  auto prepared =
      config::PrepareEscalation(std::move(settings), fuzz::SampleTree(), "Asia/Shanghai");
  if (const auto* error = std::get_if<config::LoadError>(&prepared)) {
    Require(!error->message.empty());
    return 0;
  }
  const auto& setup = std::get<config::SharedEscalation>(prepared);
  Require(setup != nullptr && setup->settings.batch == batch);
  for (const std::string& warning : setup->warnings) Require(!warning.empty());
  return 0;
}

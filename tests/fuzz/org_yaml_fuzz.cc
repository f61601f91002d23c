// libFuzzer target: any bytes as an organisation YAML file (ParseOrgUnitsYaml, then
// BuildOrgTree). A refusal is a clear error naming the file; accepted units carry a
// defining line each, pass the field checks, and a tree built from them holds them all.
#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>

#include "daemon/config/org_loader.h"
#include "tests/fuzz/loader_fuzz_support.h"

using namespace pingan;
using fuzz::Require;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto parsed = config::ParseOrgUnitsYaml(fuzz::AsText(data, size), "org.yaml");
  if (const auto* error = std::get_if<config::LoadError>(&parsed)) {
    fuzz::RequireClearError(*error, "org.yaml");
    return 0;
  }
  const auto& units = std::get<config::OrgUnits>(parsed);
  Require(units.file == "org.yaml" && units.units.size() == units.lines.size());
  for (const core::Unit& unit : units.units) Require(!config::CheckUnitFields(unit));
  auto tree = config::BuildOrgTree({units});
  if (const auto* error = std::get_if<config::LoadError>(&tree)) {
    fuzz::RequireClearError(*error, "org.yaml");
    return 0;
  }
  for (const core::Unit& unit : units.units) {
    Require(std::get<core::OrgTree>(tree).Find(unit.id) != nullptr);
  }
  return 0;
}

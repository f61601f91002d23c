// libFuzzer target: any bytes as an organisation CSV (ParseOrgCsv and the collecting
// variant the school import uses). Both agree on the first error; accepted units pass
// the field checks and survive UnitsToCsv -> ParseOrgCsv unchanged.
#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>

#include "daemon/config/org_loader.h"
#include "daemon/config/school_import.h"
#include "tests/fuzz/loader_fuzz_support.h"

using namespace pingan;
using fuzz::Require;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text = fuzz::AsText(data, size);
  const config::OrgCsvResult collected = config::ParseOrgCsvCollecting(text, "org.csv");
  for (const config::LoadError& error : collected.errors) fuzz::RequireClearError(error, "org.csv");
  auto parsed = config::ParseOrgCsv(text, "org.csv");
  if (const auto* error = std::get_if<config::LoadError>(&parsed)) {
    fuzz::RequireClearError(*error, "org.csv");
    Require(!collected.errors.empty());
    return 0;
  }
  Require(collected.errors.empty());
  const auto& units = std::get<config::OrgUnits>(parsed).units;
  Require(units.size() == collected.units.units.size());
  for (const core::Unit& unit : units) Require(!config::CheckUnitFields(unit));

  // The canonical writer's output reads back to the same units (one contact per role,
  // which is all a CSV row can hold).
  auto reread = config::ParseOrgCsv(config::UnitsToCsv(units), "canonical.csv");
  Require(std::holds_alternative<config::OrgUnits>(reread));
  const auto& back = std::get<config::OrgUnits>(reread).units;
  Require(back.size() == units.size());
  for (size_t i = 0; i < units.size(); ++i) Require(config::SameUnit(units[i], back[i]));
  return 0;
}

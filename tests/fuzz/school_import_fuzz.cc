// libFuzzer target: any bytes as an uploaded school import CSV (PlanSchoolImport)
// against the sample organisation. A plan with errors changes nothing (no tree) and
// each error is clear; a plan without errors holds every row as given, keeps every unit
// of the organisation, and counts each row once as added, updated or unchanged.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "daemon/config/school_import.h"
#include "tests/fuzz/loader_fuzz_support.h"

using namespace pingan;
using fuzz::Require;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const core::OrgTree& current = fuzz::SampleTree();
  const std::string_view csv(reinterpret_cast<const char*>(data), size);
  const config::ImportPlan plan = config::PlanSchoolImport(current, csv, "import.csv");
  if (!plan.errors.empty()) {
    Require(!plan.tree.has_value());
    for (const config::LoadError& error : plan.errors) fuzz::RequireClearError(error, "import.csv");
    return 0;
  }
  Require(plan.tree.has_value());
  Require(plan.added.size() + plan.updated.size() + static_cast<size_t>(plan.unchanged) ==
          plan.rows.size());
  for (const core::Unit& row : plan.rows) {
    const core::Unit* merged = plan.tree->Find(row.id);
    Require(merged != nullptr && config::SameUnit(*merged, row));
  }
  for (const core::Unit& unit : current.units()) Require(plan.tree->Find(unit.id) != nullptr);
  return 0;
}

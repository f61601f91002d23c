// School import: upserts organisation units from a CSV (the format of org_loader.h)
// into the running organisation, and the file that makes imports survive a restart.
//
// An import is checked as a whole against the current tree: every row error (with its
// line), ids given twice, unknown parents, a changed unit kind, cycles. Nothing is
// applied when anything is wrong. A row replaces the unit with its id entirely (name,
// parent, zone, the three contacts, paused); units not in the file are kept.
//
// Imports accumulate in <data_dir>/schools.imported.csv (canonical columns, one row per
// imported unit, later imports win by id). LoadSchedule overlays it on the configured
// organisation at start, so an imported school replaces a configured one with the same
// id; delete the file to go back to the configuration alone.
//
// Plain functions; the file functions do I/O. Safe on any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "daemon/config/load_error.h"
#include "daemon/config/org_loader.h"
#include "daemon/core/org_tree.h"

namespace pingan::config {

inline constexpr const char* kImportedSchoolsFile = "schools.imported.csv";

struct ImportPlan {
  std::vector<LoadError> errors;  // in line order; the plan applies only when empty
  std::vector<std::string> added;
  std::vector<std::string> updated;
  int unchanged = 0;
  std::vector<core::Unit> rows;       // the file's units, in file order
  std::optional<core::OrgTree> tree;  // current + rows, when there is no error
};

// Checks `csv` against `current` and builds the merged tree. `file` names the input in
// errors (e.g. "import.csv").
ImportPlan PlanSchoolImport(const core::OrgTree& current, std::string_view csv,
                            const std::string& file);

// Units as canonical CSV (all columns of org_loader.h, UTF-8, "\n" line ends), which
// ParseOrgCsv reads back to equal units (one contact per role).
std::string UnitsToCsv(const std::vector<core::Unit>& units);

// Whether two units hold the same data (contacts in the same order).
bool SameUnit(const core::Unit& a, const core::Unit& b);

// The overlay file's units; an empty OrgUnits when the file does not exist.
std::variant<OrgUnits, LoadError> LoadImportedSchools(const std::string& path);

// Upserts `rows` (pass the added and updated units: unchanged ones need not be pinned
// over the configuration) into the overlay file by id and replaces it atomically (temporary file,
// fsync, rename). Returns an error text, or nullopt.
std::optional<std::string> SaveImportedSchools(const std::string& path,
                                               const std::vector<core::Unit>& rows);

// Reads the overlay file at `path` (if it exists) and applies it to `parts` with
// OverlayUnits. The error names the file and line.
std::optional<LoadError> OverlayImportedSchools(const std::string& path,
                                                std::vector<OrgUnits>& parts);

// Applies an overlay to loaded parts: units whose id the overlay holds are removed from
// the parts, and the overlay is appended as one more part (so errors name its file).
void OverlayUnits(std::vector<OrgUnits>& parts, OrgUnits overlay);

}  // namespace pingan::config

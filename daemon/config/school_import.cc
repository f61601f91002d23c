#include "daemon/config/school_import.h"

#include <algorithm>
#include <filesystem>
#include <unordered_map>
#include <unordered_set>

#include "daemon/config/atomic_file.h"
#include "daemon/core/csv.h"

namespace pingan::config {
namespace {

const core::Contact* FirstContact(const core::Unit& u, core::ContactRole role) {
  for (const core::Contact& c : u.contacts) {
    if (c.role == role) return &c;
  }
  return nullptr;
}

void Problem(ImportPlan& plan, const std::string& file, int line, const std::string& key,
             std::string message) {
  plan.errors.push_back(LoadError{file, line, key, std::move(message)});
}

// Ids given twice, kinds that would change, parents that exist nowhere.
void CheckRows(const core::OrgTree& current, const OrgUnits& in,
               std::unordered_map<std::string, int>& line_of, ImportPlan& plan) {
  std::vector<size_t> unique;
  for (size_t i = 0; i < in.units.size(); ++i) {
    const core::Unit& u = in.units[i];
    const int line = in.lines[i];
    auto [it, fresh] = line_of.emplace(u.id, line);
    if (!fresh) {
      Problem(plan, in.file, line, "id",
              "'" + u.id + "' is given twice (first at line " + std::to_string(it->second) + ")");
      continue;
    }
    unique.push_back(i);
    const core::Unit* existing = current.Find(u.id);
    if (existing != nullptr && existing->kind != u.kind) {
      Problem(plan, in.file, line, "kind",
              "'" + u.id + "' is a " + std::string(core::UnitKindName(existing->kind)) +
                  ", the file says " + std::string(core::UnitKindName(u.kind)) +
                  "; an import cannot change a unit's kind (is the kind column missing?)");
    }
  }
  for (size_t i : unique) {
    const core::Unit& u = in.units[i];
    if (!u.parent_id.empty() && current.Find(u.parent_id) == nullptr &&
        line_of.count(u.parent_id) == 0) {
      Problem(plan, in.file, in.lines[i], "parent", "unknown parent '" + u.parent_id + "'");
    }
  }
}

// The line of the file row that made the tree fail: the unit named, or the first unit
// of the file on its parent chain (a cycle may be reported at an existing unit).
int LineOfProblem(const core::OrgTree& current, const std::vector<core::Unit>& rows,
                  const std::unordered_map<std::string, int>& line_of, std::string id) {
  std::unordered_map<std::string, std::string> parent;
  for (const core::Unit& u : current.units()) parent[u.id] = u.parent_id;
  for (const core::Unit& u : rows) parent[u.id] = u.parent_id;
  for (size_t steps = 0; steps <= parent.size() && !id.empty(); ++steps) {
    if (auto it = line_of.find(id); it != line_of.end()) return it->second;
    auto up = parent.find(id);
    if (up == parent.end()) break;
    id = up->second;
  }
  return 0;
}

}  // namespace

bool SameUnit(const core::Unit& a, const core::Unit& b) {
  auto contacts_equal = [](const core::Contact& x, const core::Contact& y) {
    return x.role == y.role && x.name == y.name && x.phone == y.phone && x.email == y.email;
  };
  return a.id == b.id && a.name == b.name && a.kind == b.kind && a.parent_id == b.parent_id &&
         a.time_zone == b.time_zone && a.paused == b.paused && a.paused_reason == b.paused_reason &&
         std::equal(a.contacts.begin(), a.contacts.end(), b.contacts.begin(), b.contacts.end(),
                    contacts_equal);
}

ImportPlan PlanSchoolImport(const core::OrgTree& current, std::string_view csv,
                            const std::string& file) {
  ImportPlan plan;
  OrgCsvResult parsed = ParseOrgCsvCollecting(csv, file);
  plan.errors = std::move(parsed.errors);
  std::unordered_map<std::string, int> line_of;
  CheckRows(current, parsed.units, line_of, plan);
  std::stable_sort(plan.errors.begin(), plan.errors.end(),
                   [](const LoadError& a, const LoadError& b) { return a.line < b.line; });
  if (!plan.errors.empty()) return plan;

  std::vector<core::Unit> merged = current.units();
  std::unordered_map<std::string, size_t> index;
  for (size_t i = 0; i < merged.size(); ++i) index.emplace(merged[i].id, i);
  for (const core::Unit& u : parsed.units.units) {
    auto it = index.find(u.id);
    if (it == index.end()) {
      plan.added.push_back(u.id);
      merged.push_back(u);
    } else if (SameUnit(merged[it->second], u)) {
      ++plan.unchanged;
    } else {
      plan.updated.push_back(u.id);
      merged[it->second] = u;
    }
  }
  auto built = core::OrgTree::Build(std::move(merged));
  if (auto* e = std::get_if<core::OrgTree::BuildError>(&built)) {
    Problem(plan, file, LineOfProblem(current, parsed.units.units, line_of, e->unit_id), "parent",
            "unit '" + e->unit_id + "': " + e->message);
    return plan;
  }
  plan.rows = std::move(parsed.units.units);
  plan.tree.emplace(std::get<core::OrgTree>(std::move(built)));
  return plan;
}

std::string UnitsToCsv(const std::vector<core::Unit>& units) {
  std::string out =
      "id,name,kind,parent,time_zone,principal_name,principal_phone,principal_email,"
      "leader_name,leader_phone,leader_email,duty_name,duty_phone,duty_email,paused,"
      "paused_reason\n";
  for (const core::Unit& u : units) {
    std::vector<std::string> f = {u.id, u.name, std::string(core::UnitKindName(u.kind)),
                                  u.parent_id, u.time_zone};
    for (auto role : {core::ContactRole::kPrimaryAccountable, core::ContactRole::kSupervisingLeader,
                      core::ContactRole::kDutyContact}) {
      const core::Contact* c = FirstContact(u, role);
      f.push_back(c ? c->name : "");
      f.push_back(c ? c->phone : "");
      f.push_back(c ? c->email : "");
    }
    f.push_back(u.paused ? "true" : "false");
    f.push_back(u.paused_reason);
    core::AppendCsvRecord(out, f);
  }
  return out;
}

std::variant<OrgUnits, LoadError> LoadImportedSchools(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    OrgUnits none;
    none.file = path;
    return none;
  }
  return ImportOrgCsv(path);
}

std::optional<std::string> SaveImportedSchools(const std::string& path,
                                               const std::vector<core::Unit>& rows) {
  auto loaded = LoadImportedSchools(path);
  if (auto* e = std::get_if<LoadError>(&loaded)) return "cannot read " + e->ToString();
  std::vector<core::Unit> units = std::get<OrgUnits>(std::move(loaded)).units;
  std::unordered_map<std::string, size_t> index;
  for (size_t i = 0; i < units.size(); ++i) index.emplace(units[i].id, i);
  for (const core::Unit& u : rows) {
    auto it = index.find(u.id);
    if (it != index.end()) {
      units[it->second] = u;
    } else {
      index.emplace(u.id, units.size());
      units.push_back(u);
    }
  }
  const std::string text =
      "# Schools imported with `pinganctl schools import` (POST /api/v1/schools/import).\n"
      "# pingand overlays these rows on the configured organisation at start; a row\n"
      "# replaces a configured unit with the same id. Delete this file to go back to the\n"
      "# configured organisation alone.\n" +
      UnitsToCsv(units);
  return WriteFileAtomically(path, text, 0644);
}

void OverlayUnits(std::vector<OrgUnits>& parts, OrgUnits overlay) {
  std::unordered_set<std::string> ids;
  for (const core::Unit& u : overlay.units) ids.insert(u.id);
  for (OrgUnits& part : parts) {
    OrgUnits kept;
    kept.file = part.file;
    for (size_t i = 0; i < part.units.size(); ++i) {
      if (ids.count(part.units[i].id)) continue;
      kept.units.push_back(std::move(part.units[i]));
      kept.lines.push_back(i < part.lines.size() ? part.lines[i] : 0);
    }
    part = std::move(kept);
  }
  parts.push_back(std::move(overlay));
}

std::optional<LoadError> OverlayImportedSchools(const std::string& path,
                                                std::vector<OrgUnits>& parts) {
  auto loaded = LoadImportedSchools(path);
  if (auto* e = std::get_if<LoadError>(&loaded)) return *e;
  OrgUnits overlay = std::get<OrgUnits>(std::move(loaded));
  if (!overlay.units.empty()) OverlayUnits(parts, std::move(overlay));
  return std::nullopt;
}

}  // namespace pingan::config

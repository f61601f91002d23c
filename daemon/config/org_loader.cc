// Organisation from YAML, shared unit checks, and the tree build. CSV is in org_csv.cc.
#include "daemon/config/org_loader.h"

#include <unordered_map>

#include "daemon/config/loader_support.h"
#include "daemon/core/local_time.h"
#include "daemon/core/report.h"

namespace pingan::config {
namespace {

constexpr int kMaxNesting = 32;

bool PlausiblePhone(std::string_view p) {
  return p.find_first_not_of("0123456789+-() ") == std::string_view::npos &&
         p.find_first_of("0123456789") != std::string_view::npos;
}

bool PlausibleEmail(std::string_view e) {
  const size_t at = e.find('@');
  return at != std::string_view::npos && at > 0 && at + 1 < e.size() &&
         e.find_first_of(" \t,;<>") == std::string_view::npos;
}

class YamlOrgReader {
 public:
  explicit YamlOrgReader(const std::string& file) : r_(file) { out_.file = file; }

  std::variant<OrgUnits, LoadError> Read(const YAML::Node& root) {
    if (root.IsNull()) return std::move(out_);
    if (auto e = r_.Keys(root, "", {"units"})) return *e;
    if (auto e = ReadList(root["units"], "units", "", 0)) return *e;
    return std::move(out_);
  }

 private:
  std::optional<LoadError> ReadList(const YAML::Node& list, const std::string& path,
                                    const std::string& parent, int depth) {
    if (auto e = r_.Sequence(list, path)) return e;
    if (depth > kMaxNesting) return r_.Error(list, path, "units are nested too deeply");
    if (!list.IsDefined() || list.IsNull()) return std::nullopt;
    for (size_t i = 0; i < list.size(); ++i) {
      if (auto e = ReadUnit(list[i], IndexPath(path, i), parent, depth)) return e;
    }
    return std::nullopt;
  }

  std::optional<LoadError> ReadContacts(const YAML::Node& list, const std::string& path,
                                        core::Unit& u) {
    if (auto e = r_.Sequence(list, path)) return e;
    if (!list.IsDefined() || list.IsNull()) return std::nullopt;
    for (size_t i = 0; i < list.size(); ++i) {
      const YAML::Node n = list[i];
      const std::string p = IndexPath(path, i);
      if (auto e = r_.Keys(n, p, {"role", "name", "phone", "email"})) return e;
      std::string role;
      core::Contact c;
      if (auto e = r_.Text(n, p, "role", role, true)) return e;
      auto parsed = core::ParseContactRole(role);
      if (!parsed) {
        return r_.Error(n["role"], KeyPath(p, "role"),
                        "must be primary_accountable, supervising_leader or duty_contact");
      }
      c.role = *parsed;
      for (auto [key, field] : {std::pair{"name", &c.name}, std::pair{"phone", &c.phone},
                                std::pair{"email", &c.email}}) {
        if (auto e = r_.Text(n, p, key, *field)) return e;
      }
      u.contacts.push_back(std::move(c));
    }
    return std::nullopt;
  }

  std::optional<LoadError> ReadUnit(const YAML::Node& n, const std::string& path,
                                    const std::string& parent, int depth) {
    if (auto e = r_.Keys(n, path,
                         {"id", "name", "kind", "parent", "time_zone", "contacts", "paused",
                          "paused_reason", "children"})) {
      return e;
    }
    core::Unit u;
    std::string kind;
    if (auto e = r_.Text(n, path, "id", u.id, true)) return e;
    if (auto e = r_.Text(n, path, "name", u.name, true)) return e;
    if (auto e = r_.Text(n, path, "kind", kind, true)) return e;
    auto parsed = ParseUnitKindText(kind);
    if (!parsed) return r_.Error(n["kind"], KeyPath(path, "kind"), "unknown kind '" + kind + "'");
    u.kind = *parsed;
    if (auto e = r_.Text(n, path, "parent", u.parent_id)) return e;
    if (!parent.empty() && !u.parent_id.empty() && u.parent_id != parent) {
      return r_.Error(n["parent"], KeyPath(path, "parent"),
                      "differs from the enclosing unit '" + parent + "'");
    }
    if (!parent.empty()) u.parent_id = parent;
    if (auto e = r_.Text(n, path, "time_zone", u.time_zone)) return e;
    if (auto e = r_.Flag(n, path, "paused", u.paused)) return e;
    if (auto e = r_.Text(n, path, "paused_reason", u.paused_reason)) return e;
    if (auto e = ReadContacts(n["contacts"], KeyPath(path, "contacts"), u)) return e;
    if (auto problem = CheckUnitFields(u)) {
      const YAML::Node at = n[problem->key].IsDefined() ? n[problem->key] : n;
      return r_.Error(at, KeyPath(path, problem->key), problem->message);
    }
    const std::string id = u.id;
    out_.units.push_back(std::move(u));
    out_.lines.push_back(r_.Line(n));
    return ReadList(n["children"], KeyPath(path, "children"), id, depth + 1);
  }

  YamlReader r_;
  OrgUnits out_;
};

}  // namespace

std::optional<core::UnitKind> ParseUnitKindText(std::string_view text) {
  if (auto k = core::ParseUnitKind(text)) return k;
  static const std::pair<std::string_view, core::UnitKind> kAliases[] = {
      {"学校", core::UnitKind::kSchool},
      {"幼儿园", core::UnitKind::kSchool},
      {"中心校", core::UnitKind::kTownshipCentralSchool},
      {"区县", core::UnitKind::kDistrict},
      {"区", core::UnitKind::kDistrict},
      {"县", core::UnitKind::kDistrict},
      {"市", core::UnitKind::kCity},
      {"省", core::UnitKind::kProvince}};
  for (const auto& [name, kind] : kAliases) {
    if (name == text) return kind;
  }
  return std::nullopt;
}

namespace {

LoadError FieldProblem(std::string key, std::string message) {
  LoadError e;
  e.key = std::move(key);
  e.message = std::move(message);
  return e;
}

}  // namespace

std::optional<LoadError> CheckUnitFields(const core::Unit& u) {
  if (!core::IsValidSchoolId(u.id)) {
    return FieldProblem("id", "'" + u.id + "' is not a valid id (1..64 of A-Z a-z 0-9 _ . -)");
  }
  if (u.name.empty()) return FieldProblem("name", "is required");
  if (!core::IsValidUtf8(u.name) || !core::IsValidUtf8(u.paused_reason)) {
    return FieldProblem("name", "is not valid UTF-8");
  }
  if (!u.time_zone.empty() && core::FindTimeZone(u.time_zone) == nullptr) {
    return FieldProblem("time_zone", "unknown time zone '" + u.time_zone + "'");
  }
  for (const core::Contact& c : u.contacts) {
    if (!c.phone.empty() && !PlausiblePhone(c.phone)) {
      return FieldProblem("contacts", "'" + c.phone + "' is not a phone number");
    }
    if (!c.email.empty() && !PlausibleEmail(c.email)) {
      return FieldProblem("contacts", "'" + c.email + "' is not an e-mail address");
    }
    if (c.name.empty() && c.phone.empty() && c.email.empty()) {
      return FieldProblem("contacts", "a contact needs a name, phone or e-mail");
    }
  }
  return std::nullopt;
}

std::variant<OrgUnits, LoadError> ParseOrgUnitsYaml(const std::string& text,
                                                    const std::string& file) {
  auto root = ParseYaml(text, file);
  if (auto* e = std::get_if<LoadError>(&root)) return *e;
  return YamlOrgReader(file).Read(std::get<YAML::Node>(root));
}

std::variant<OrgUnits, LoadError> LoadOrgUnitsYaml(const std::string& path) {
  auto text = ReadTextFile(path);
  if (auto* e = std::get_if<LoadError>(&text)) return *e;
  return ParseOrgUnitsYaml(std::get<std::string>(text), path);
}

std::variant<core::OrgTree, LoadError> BuildOrgTree(std::vector<OrgUnits> parts) {
  struct Where {
    const std::string* file;
    int line;
  };
  std::vector<core::Unit> units;
  std::vector<Where> where;
  std::unordered_map<std::string, size_t> first;
  for (OrgUnits& part : parts) {
    for (size_t i = 0; i < part.units.size(); ++i) {
      const Where w{&part.file, i < part.lines.size() ? part.lines[i] : 0};
      auto [it, added] = first.emplace(part.units[i].id, units.size());
      if (!added) {
        const Where& f = where[it->second];
        return LoadError{*w.file, w.line, "id",
                         "duplicate unit id '" + part.units[i].id + "' (first defined at " +
                             *f.file + ":" + std::to_string(f.line) + ")"};
      }
      units.push_back(std::move(part.units[i]));
      where.push_back(w);
    }
  }
  auto built = core::OrgTree::Build(std::move(units));
  if (auto* e = std::get_if<core::OrgTree::BuildError>(&built)) {
    auto it = first.find(e->unit_id);
    const bool parent = e->message.find("parent") != std::string::npos;
    if (it == first.end()) return LoadError{"", 0, "", e->message};
    const Where& w = where[it->second];
    return LoadError{*w.file, w.line, parent ? "parent" : "id",
                     "unit '" + e->unit_id + "': " + e->message};
  }
  return std::get<core::OrgTree>(std::move(built));
}

std::variant<core::OrgTree, LoadError> LoadOrgTreeYaml(const std::string& path) {
  auto units = LoadOrgUnitsYaml(path);
  if (auto* e = std::get_if<LoadError>(&units)) return *e;
  std::vector<OrgUnits> parts;
  parts.push_back(std::get<OrgUnits>(std::move(units)));
  return BuildOrgTree(std::move(parts));
}

}  // namespace pingan::config

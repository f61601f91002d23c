#include "daemon/core/org_tree.h"

#include <unordered_set>

namespace pingan::core {
namespace {

const std::vector<const Unit*> kNoChildren;

}  // namespace

std::variant<OrgTree, OrgTree::BuildError> OrgTree::Build(std::vector<Unit> units) {
  OrgTree tree;
  tree.units_ = std::move(units);
  tree.index_.reserve(tree.units_.size());
  for (size_t i = 0; i < tree.units_.size(); ++i) {
    const Unit& u = tree.units_[i];
    if (u.id.empty()) return BuildError{"", "a unit has an empty id"};
    if (!tree.index_.emplace(u.id, static_cast<uint32_t>(i)).second) {
      return BuildError{u.id, "duplicate unit id"};
    }
  }
  for (const Unit& u : tree.units_) {
    if (u.parent_id.empty()) continue;
    if (!tree.index_.contains(u.parent_id)) {
      return BuildError{u.id, "parent '" + u.parent_id + "' does not exist"};
    }
    tree.children_[u.parent_id].push_back(&u);
  }
  // Every unit must reach a root without revisiting a unit.
  for (const Unit& u : tree.units_) {
    std::unordered_set<std::string_view> seen{u.id};
    for (const Unit* p = tree.Parent(u); p != nullptr; p = tree.Parent(*p)) {
      if (!seen.insert(p->id).second) return BuildError{u.id, "the parent chain has a cycle"};
    }
  }
  return tree;
}

const Unit* OrgTree::Find(std::string_view id) const {
  auto it = index_.find(id);
  return it == index_.end() ? nullptr : &units_[it->second];
}

const Unit* OrgTree::Parent(const Unit& unit) const {
  return unit.parent_id.empty() ? nullptr : Find(unit.parent_id);
}

std::vector<const Unit*> OrgTree::Ancestors(const Unit& unit) const {
  std::vector<const Unit*> out;
  for (const Unit* p = Parent(unit); p != nullptr; p = Parent(*p)) out.push_back(p);
  return out;
}

const std::vector<const Unit*>& OrgTree::Children(std::string_view id) const {
  auto it = children_.find(std::string(id));
  return it == children_.end() ? kNoChildren : it->second;
}

bool OrgTree::IsInSubtree(std::string_view unit_id, std::string_view ancestor_id) const {
  for (const Unit* u = Find(unit_id); u != nullptr; u = Parent(*u)) {
    if (u->id == ancestor_id) return true;
  }
  return false;
}

std::vector<const Unit*> OrgTree::SchoolsUnder(std::string_view root_id) const {
  std::vector<const Unit*> out;
  const Unit* root = Find(root_id);
  if (root == nullptr) return out;
  std::vector<const Unit*> stack{root};
  while (!stack.empty()) {
    const Unit* u = stack.back();
    stack.pop_back();
    if (u->kind == UnitKind::kSchool) out.push_back(u);
    const auto& kids = Children(u->id);
    for (auto it = kids.rbegin(); it != kids.rend(); ++it) stack.push_back(*it);
  }
  return out;
}

std::string OrgTree::EffectiveTimeZone(const Unit& unit, std::string_view fallback) const {
  for (const Unit* u = &unit; u != nullptr; u = Parent(*u)) {
    if (!u->time_zone.empty()) return u->time_zone;
  }
  return std::string(fallback);
}

std::vector<const Contact*> OrgTree::ContactsFor(const Unit& unit, ContactRole role) const {
  std::vector<const Contact*> out;
  for (const Contact& c : unit.contacts) {
    if (c.role == role) out.push_back(&c);
  }
  return out;
}

std::vector<const Unit*> OrgTree::Roots() const {
  std::vector<const Unit*> out;
  for (const Unit& u : units_) {
    if (u.parent_id.empty()) out.push_back(&u);
  }
  return out;
}

std::string_view UnitKindName(UnitKind kind) {
  switch (kind) {
    case UnitKind::kProvince:
      return "province";
    case UnitKind::kCity:
      return "city";
    case UnitKind::kDistrict:
      return "district";
    case UnitKind::kTownshipCentralSchool:
      return "township";
    case UnitKind::kSchool:
      return "school";
  }
  return "unknown";
}

std::optional<UnitKind> ParseUnitKind(std::string_view name) {
  for (auto k : {UnitKind::kProvince, UnitKind::kCity, UnitKind::kDistrict,
                 UnitKind::kTownshipCentralSchool, UnitKind::kSchool}) {
    if (UnitKindName(k) == name) return k;
  }
  if (name == "kindergarten") return UnitKind::kSchool;
  return std::nullopt;
}

std::string_view ContactRoleName(ContactRole role) {
  switch (role) {
    case ContactRole::kPrimaryAccountable:
      return "primary_accountable";
    case ContactRole::kSupervisingLeader:
      return "supervising_leader";
    case ContactRole::kDutyContact:
      return "duty_contact";
  }
  return "unknown";
}

std::optional<ContactRole> ParseContactRole(std::string_view name) {
  for (auto r : {ContactRole::kPrimaryAccountable, ContactRole::kSupervisingLeader,
                 ContactRole::kDutyContact}) {
    if (ContactRoleName(r) == name) return r;
  }
  return std::nullopt;
}

}  // namespace pingan::core

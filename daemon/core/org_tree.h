// Organisation tree: the units that report and the units that oversee them.
//
// province -> city bureau -> district bureau -> township central school -> school.
// Plain values plus a read-only index; built once (from YAML or CSV, by adapters) and
// then shared read-only between threads. Replace the whole tree to change it.
#pragma once

#include <boost/unordered/unordered_flat_map.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

namespace pingan::core {

enum class UnitKind { kProvince, kCity, kDistrict, kTownshipCentralSchool, kSchool };

// Roles a unit names contacts for. kPrimaryAccountable is 第一责任人 (the principal or
// bureau head), kSupervisingLeader 分管领导, kDutyContact the day-to-day duty person.
enum class ContactRole { kPrimaryAccountable, kSupervisingLeader, kDutyContact };

struct Contact {
  ContactRole role = ContactRole::kDutyContact;
  std::string name;
  std::string phone;  // E.164 or local digits; may be empty
  std::string email;  // may be empty
};

struct Unit {
  std::string id;
  std::string name;
  UnitKind kind = UnitKind::kSchool;
  std::string parent_id;  // empty for the root
  std::string time_zone;  // IANA name; empty = inherit from parent / calendar default
  std::vector<Contact> contacts;
  bool paused = false;  // closed, merged, ...: owes no reports meanwhile
  std::string paused_reason;
};

}  // namespace pingan::core

namespace pingan::core {

// Read-only index over a validated set of units. Build with OrgTree::Build, which
// checks ids are unique, parents exist and there are no cycles. Movable, not copyable:
// the indexes point into the units (share a built tree instead, as ScheduleSource does).
class OrgTree {
 public:
  OrgTree() = default;
  OrgTree(const OrgTree&) = delete;
  OrgTree& operator=(const OrgTree&) = delete;
  OrgTree(OrgTree&&) = default;
  OrgTree& operator=(OrgTree&&) = default;

  struct BuildError {
    std::string unit_id;
    std::string message;
  };
  // Returns the tree, or the first problem found.
  static std::variant<OrgTree, BuildError> Build(std::vector<Unit> units);

  const Unit* Find(std::string_view id) const;
  const Unit* Parent(const Unit& unit) const;
  // Parent, grandparent, ... up to the root (nearest first).
  std::vector<const Unit*> Ancestors(const Unit& unit) const;
  const std::vector<const Unit*>& Children(std::string_view id) const;
  // True when `unit_id` is `ancestor_id` or lies below it.
  bool IsInSubtree(std::string_view unit_id, std::string_view ancestor_id) const;
  // All units of kind kSchool (and kindergartens, which are schools here) in the
  // subtree rooted at `root_id` (inclusive), in tree order.
  std::vector<const Unit*> SchoolsUnder(std::string_view root_id) const;
  // The nearest time zone set on the unit or an ancestor, else `fallback`.
  std::string EffectiveTimeZone(const Unit& unit, std::string_view fallback) const;
  // Contacts with `role` on this unit (not inherited).
  std::vector<const Contact*> ContactsFor(const Unit& unit, ContactRole role) const;

  const std::vector<Unit>& units() const { return units_; }
  std::vector<const Unit*> Roots() const;

 private:
  std::vector<Unit> units_;
  // Unit id (a view of units_[i].id: a moved vector keeps its elements) -> i. Flat:
  // a nation's 520,000 units at ~45 B each instead of a ~70 B node apiece.
  boost::unordered_flat_map<std::string_view, uint32_t, std::hash<std::string_view>> index_;
  std::unordered_map<std::string, std::vector<const Unit*>> children_;
};

std::string_view UnitKindName(UnitKind kind);  // "province", ..., "school"
std::optional<UnitKind> ParseUnitKind(std::string_view name);
std::string_view ContactRoleName(ContactRole role);  // "primary_accountable", ...
std::optional<ContactRole> ParseContactRole(std::string_view name);

}  // namespace pingan::core

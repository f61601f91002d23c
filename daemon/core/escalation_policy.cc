#include "daemon/core/escalation_policy.h"

#include <algorithm>
#include <set>

namespace pingan::core {
namespace {

template <typename T>
bool ContainsOrEmpty(const std::vector<T>& list, const T& value) {
  return list.empty() || std::find(list.begin(), list.end(), value) != list.end();
}

std::optional<std::string> CheckTarget(const Target& t, const EscalationConfig& config,
                                       const OrgTree& tree) {
  if ((t.kind == Target::Kind::kContact || t.kind == Target::Kind::kOnDuty) &&
      t.unit.kind == UnitRef::Kind::kFixed && tree.Find(t.unit.unit_id) == nullptr) {
    return "unknown unit '" + t.unit.unit_id + "'";
  }
  if (t.kind == Target::Kind::kGroup && !config.groups.contains(t.group)) {
    return "unknown group '" + t.group + "'";
  }
  if (t.kind == Target::Kind::kPerson && RecipientKey(t.person).starts_with("name:")) {
    return "person '" + t.person.name + "' has no phone, email or webhook";
  }
  return std::nullopt;
}

std::optional<std::string> CheckPolicy(const Policy& p, const EscalationConfig& config,
                                       const OrgTree& tree) {
  if (p.steps.empty()) return "the policy has no steps";
  if (p.repeat < 0) return "repeat is negative";
  if (p.repeat > 0 && p.repeat_interval <= Millis{0}) return "repeat_interval must be positive";
  if (p.ack_timeout < Millis{0}) return "ack_timeout is negative";
  for (size_t i = 0; i < p.steps.size(); ++i) {
    const Step& s = p.steps[i];
    const std::string where = "step " + std::to_string(i + 1) + ": ";
    if (s.wait < Millis{0}) return where + "wait is negative";
    if (s.targets.empty()) return where + "no targets";
    if (s.channels.empty()) return where + "no channels";
    for (const Target& t : s.targets) {
      if (auto problem = CheckTarget(t, config, tree)) return where + *problem;
    }
  }
  return std::nullopt;
}

PolicyConfigError PolicyProblem(std::string policy_id, std::string message) {
  PolicyConfigError e;
  e.key = std::move(policy_id);
  e.message = std::move(message);
  return e;
}

template <typename T>
bool Overlap(const std::vector<T>& a, const std::vector<T>& b) {
  if (a.empty() || b.empty()) return true;
  return std::any_of(a.begin(), a.end(),
                     [&](const T& v) { return std::find(b.begin(), b.end(), v) != b.end(); });
}

// Two policies of equal specificity that some alert could match both of.
bool Ambiguous(const Policy& a, const Policy& b) {
  return PolicySpecificity(a) == PolicySpecificity(b) && Overlap(a.requirements, b.requirements) &&
         Overlap(a.kinds, b.kinds) && Overlap(a.severities, b.severities) &&
         Overlap(a.period_kinds, b.period_kinds);
}

std::optional<PolicyConfigError> CheckAmbiguity(const std::vector<Policy>& policies) {
  for (size_t i = 0; i < policies.size(); ++i) {
    for (size_t j = i + 1; j < policies.size(); ++j) {
      if (!Ambiguous(policies[i], policies[j])) continue;
      const Policy& later = policies[j];
      return PolicyProblem(later.id,
                           "matches the same alerts as policy '" + policies[i].id + "'" +
                               (policies[i].source.empty() ? "" : " (" + policies[i].source + ")") +
                               " and is as specific: add a condition (requirements, "
                               "periods, severities, kinds) that tells them apart");
    }
  }
  return std::nullopt;
}

constexpr std::pair<std::string_view, ContactRole> kRoleTokens[] = {
    {"duty", ContactRole::kDutyContact},
    {"primary", ContactRole::kPrimaryAccountable},
    {"leader", ContactRole::kSupervisingLeader},
};

}  // namespace

std::optional<PolicyConfigError> ValidateEscalationConfig(const EscalationConfig& config,
                                                          const OrgTree& tree) {
  std::set<std::string_view> ids;
  for (const Policy& p : config.policies) {
    if (p.id.empty()) return PolicyProblem("", "a policy has an empty id");
    if (!ids.insert(p.id).second) return PolicyProblem(p.id, "duplicate policy id");
    if (auto problem = CheckPolicy(p, config, tree)) return PolicyProblem(p.id, *problem);
  }
  if (auto problem = CheckAmbiguity(config.policies)) return problem;
  for (const auto& [name, members] : config.groups) {
    if (members.empty()) return PolicyProblem("", "group '" + name + "' is empty");
  }
  if (config.leaders.enabled && (config.leaders.roles.empty() || config.leaders.channels.empty())) {
    return PolicyProblem("", "the leader rule needs roles and channels");
  }
  return std::nullopt;
}

int PolicySpecificity(const Policy& p) {
  return (p.requirements.empty() ? 0 : 8) + (p.period_kinds.empty() ? 0 : 4) +
         (p.severities.empty() ? 0 : 2) + (p.kinds.empty() ? 0 : 1);
}

bool PolicyMatches(const Policy& policy, const Alert& alert,
                   const std::vector<std::string>& active_period_kinds) {
  if (!ContainsOrEmpty(policy.requirements, alert.requirement_id)) return false;
  if (!ContainsOrEmpty(policy.kinds, alert.kind)) return false;
  if (!policy.severities.empty()) {
    if (!alert.severity || !ContainsOrEmpty(policy.severities, *alert.severity)) return false;
  }
  if (policy.period_kinds.empty()) return true;
  return std::any_of(
      policy.period_kinds.begin(), policy.period_kinds.end(), [&](const std::string& k) {
        return std::find(active_period_kinds.begin(), active_period_kinds.end(), k) !=
               active_period_kinds.end();
      });
}

const Policy* SelectPolicy(const EscalationConfig& config, const Alert& alert,
                           const std::vector<std::string>& active_period_kinds) {
  const Policy* best = nullptr;
  for (const Policy& p : config.policies) {
    if (!PolicyMatches(p, alert, active_period_kinds)) continue;
    if (best == nullptr || PolicySpecificity(p) > PolicySpecificity(*best)) best = &p;
  }
  return best;
}

const Policy* FindPolicy(const EscalationConfig& config, std::string_view id) {
  for (const Policy& p : config.policies) {
    if (p.id == id) return &p;
  }
  return nullptr;
}

bool LeaderRuleApplies(const LeaderRule& rule, const Alert& alert) {
  if (!rule.enabled || alert.kind != AlertKind::kIncident) return false;
  if (alert.needs_leader_attention) return true;
  // Severity I is the most serious: a lower number is graver.
  return alert.severity && static_cast<int>(*alert.severity) <= static_cast<int>(rule.max_severity);
}

const Unit* ResolveUnitRef(const UnitRef& ref, const Unit& school, const OrgTree& tree) {
  switch (ref.kind) {
    case UnitRef::Kind::kSchool:
      return &school;
    case UnitRef::Kind::kParent:
      return tree.Parent(school);
    case UnitRef::Kind::kAncestorOfKind:
      for (const Unit* u : tree.Ancestors(school)) {
        if (u->kind == ref.ancestor_kind) return u;
      }
      return nullptr;
    case UnitRef::Kind::kFixed:
      return tree.Find(ref.unit_id);
  }
  return nullptr;
}

}  // namespace pingan::core

namespace pingan::core {
namespace {

std::vector<Recipient> DutyContacts(const Unit& unit, ContactRole role, const OrgTree& tree,
                                    const std::function<void(std::string)>& warn) {
  std::vector<Recipient> out;
  for (const Contact* c : tree.ContactsFor(unit, role)) {
    out.push_back(Recipient{c->name, c->phone, c->email, ""});
  }
  if (out.empty()) {
    warn((unit.name.empty() ? unit.id : unit.name) + " has no contact with role " +
         std::string(ContactRoleName(role)));
  }
  return out;
}

}  // namespace

std::vector<Recipient> ResolveTarget(const Target& t, std::string_view school_id,
                                     const OrgTree& tree, const EscalationConfig& config,
                                     const Rosters& rosters, Instant now,
                                     const std::function<void(std::string)>& warn) {
  const Unit* school = tree.Find(school_id);
  switch (t.kind) {
    case Target::Kind::kPerson:
      return {t.person};
    case Target::Kind::kGroup: {
      auto it = config.groups.find(t.group);
      if (it != config.groups.end()) return it->second;
      warn("group '" + t.group + "' does not exist");
      return {};
    }
    case Target::Kind::kContact:
    case Target::Kind::kOnDuty:
      break;
  }
  const Unit* unit = school == nullptr && t.unit.kind != UnitRef::Kind::kFixed
                         ? nullptr
                         : ResolveUnitRef(t.unit, *school, tree);
  if (unit == nullptr) {
    warn(school == nullptr ? "school '" + std::string(school_id) + "' is not in the org tree"
                           : "no unit matches a step target for school '" + school->id + "'");
    return {};
  }
  if (t.kind == Target::Kind::kContact) return DutyContacts(*unit, t.role, tree, warn);
  std::vector<Recipient> out = WhoIsOnDuty(rosters, unit->id, now);
  if (!out.empty()) return out;
  const std::string label = unit->name.empty() ? unit->id : unit->name;
  warn(rosters.contains(unit->id)
           ? "nobody is on duty at " + label + " (roster gap); told its duty contacts"
           : label + " has no duty roster; told its duty contacts");
  return DutyContacts(*unit, ContactRole::kDutyContact, tree, warn);
}

std::optional<Target> ParseRecipientToken(std::string_view token) {
  const size_t cut = token.find('_');
  if (cut == std::string_view::npos) return std::nullopt;
  const std::string_view unit = token.substr(0, cut), role = token.substr(cut + 1);
  UnitRef ref;
  if (unit == "school") {
    ref = UnitRef::School();
  } else if (unit == "parent") {
    ref = UnitRef::Parent();
  } else if (auto kind = ParseUnitKind(unit); kind && *kind != UnitKind::kSchool) {
    ref = UnitRef::Ancestor(*kind);
  } else {
    return std::nullopt;
  }
  if (role == "on_duty") return Target::OnDuty(ref);
  for (const auto& [name, r] : kRoleTokens) {
    if (role == name) return Target::Contact(ref, r);
  }
  return std::nullopt;
}

std::string RecipientToken(const Target& t) {
  if (t.kind != Target::Kind::kContact && t.kind != Target::Kind::kOnDuty) return "";
  std::string unit;
  switch (t.unit.kind) {
    case UnitRef::Kind::kSchool:
      unit = "school";
      break;
    case UnitRef::Kind::kParent:
      unit = "parent";
      break;
    case UnitRef::Kind::kAncestorOfKind:
      unit = std::string(UnitKindName(t.unit.ancestor_kind));
      break;
    case UnitRef::Kind::kFixed:
      return "";
  }
  if (t.kind == Target::Kind::kOnDuty) return unit + "_on_duty";
  for (const auto& [name, r] : kRoleTokens) {
    if (r == t.role) return unit + "_" + std::string(name);
  }
  return "";
}

}  // namespace pingan::core

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

}  // namespace

std::optional<PolicyConfigError> ValidateEscalationConfig(const EscalationConfig& config,
                                                          const OrgTree& tree) {
  std::set<std::string_view> ids;
  for (const Policy& p : config.policies) {
    if (p.id.empty()) return PolicyProblem("", "a policy has an empty id");
    if (!ids.insert(p.id).second) return PolicyProblem(p.id, "duplicate policy id");
    if (auto problem = CheckPolicy(p, config, tree)) return PolicyProblem(p.id, *problem);
  }
  for (const auto& [name, members] : config.groups) {
    if (members.empty()) return PolicyProblem("", "group '" + name + "' is empty");
  }
  if (config.leaders.enabled && (config.leaders.roles.empty() || config.leaders.channels.empty())) {
    return PolicyProblem("", "the leader rule needs roles and channels");
  }
  return std::nullopt;
}

bool PolicyMatches(const Policy& policy, const Alert& alert,
                   const std::vector<std::string>& active_period_kinds) {
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
  for (const Policy& p : config.policies) {
    if (PolicyMatches(p, alert, active_period_kinds)) return &p;
  }
  return nullptr;
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

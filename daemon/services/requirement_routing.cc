#include "daemon/services/requirement_routing.h"

#include <algorithm>

#include "daemon/core/local_time.h"
#include "daemon/core/reminders.h"

namespace pingan::services {
namespace {

using nlohmann::json;

json ChannelNames(const std::vector<core::ChannelKind>& channels) {
  json out = json::array();
  for (core::ChannelKind k : channels) out.push_back(core::ChannelKindName(k));
  return out;
}

std::string TargetToken(const core::Target& t) {
  switch (t.kind) {
    case core::Target::Kind::kGroup:
      return "group:" + t.group;
    case core::Target::Kind::kPerson:
      return "person:" + t.person.name;
    case core::Target::Kind::kContact:
    case core::Target::Kind::kOnDuty:
      break;
  }
  if (std::string token = core::RecipientToken(t); !token.empty()) return token;
  // A fixed unit: its id with the role part of the token.
  core::Target relative = t;
  relative.unit = core::UnitRef::School();
  const std::string role = core::RecipientToken(relative).substr(std::string("school").size());
  return "unit:" + t.unit.unit_id + role;
}

json Targets(const std::vector<core::Target>& targets) {
  json out = json::array();
  for (const core::Target& t : targets) out.push_back(TargetToken(t));
  return out;
}

json PolicyJson(const core::Policy& p, core::AlertKind kind) {
  json steps = json::array();
  for (const core::Step& s : p.steps) {
    steps.push_back({{"wait", core::FormatDuration(s.wait)},
                     {"to", Targets(s.targets)},
                     {"channels", ChannelNames(s.channels)},
                     {"all_at_once", s.all_at_once}});
  }
  return {{"alert_kind", core::AlertKindName(kind)},
          {"policy", p.id},
          {"periods", p.period_kinds},
          {"specific", !p.requirements.empty()},
          {"steps", steps}};
}

// The policies that may take an alert of `kind` for the requirement, in the order
// SelectPolicy prefers them, down to the first without a period condition.
void AddCandidates(const core::EscalationConfig& config, const std::string& requirement_id,
                   core::AlertKind kind, json& out) {
  core::Alert probe;
  probe.kind = kind;
  probe.requirement_id = requirement_id;
  std::vector<const core::Policy*> candidates;
  for (const core::Policy& p : config.policies) {
    core::Policy any_period = p;
    any_period.period_kinds.clear();
    if (core::PolicyMatches(any_period, probe, {})) candidates.push_back(&p);
  }
  std::stable_sort(candidates.begin(), candidates.end(), [](const auto* a, const auto* b) {
    return core::PolicySpecificity(*a) > core::PolicySpecificity(*b);
  });
  for (const core::Policy* p : candidates) {
    out.push_back(PolicyJson(*p, kind));
    if (p->period_kinds.empty()) return;
  }
}

}  // namespace

json RequirementRouting(const core::Requirement& r, const config::EscalationSetup* escalation) {
  json out{{"reminder", nullptr}, {"escalation", nullptr}};
  if (r.disabled || r.kind == core::RequirementKind::kIncident) return out;
  if (r.remind_before) {
    const std::vector<core::ChannelKind>& defaults = escalation != nullptr
                                                         ? escalation->settings.reminder_channels
                                                         : core::kDefaultReminderChannels;
    const core::ReminderRoute route = core::EffectiveRoute(&r, defaults);
    out["reminder"] = {{"before", core::FormatDuration(*r.remind_before)},
                       {"to", Targets(route.to)},
                       {"channels", ChannelNames(route.channels)},
                       {"all_at_once", route.all_at_once},
                       {"default", !r.reminder_route.has_value()}};
  }
  if (escalation == nullptr) return out;
  json chain = json::array();
  AddCandidates(escalation->settings.policies, r.id, core::AlertKind::kMissing, chain);
  if (r.raise_late_alert) {
    AddCandidates(escalation->settings.policies, r.id, core::AlertKind::kLate, chain);
  }
  out["escalation"] = chain;
  return out;
}

json LeaderRouting(const config::EscalationSetup* escalation) {
  if (escalation == nullptr) return nullptr;
  const core::LeaderRule& l = escalation->settings.policies.leaders;
  json roles = json::array();
  for (core::ContactRole r : l.roles) roles.push_back(core::ContactRoleName(r));
  return {{"enabled", l.enabled},
          {"max_severity", core::SeverityName(l.max_severity)},
          {"lowest_unit", core::UnitKindName(l.lowest_unit_kind)},
          {"roles", roles},
          {"channels", ChannelNames(l.channels)},
          {"all_at_once", l.all_at_once}};
}

}  // namespace pingan::services

#include "daemon/config/policy_periods.h"

#include <set>
#include <string>

namespace pingan::config {

std::optional<LoadError> CheckPolicyPeriods(const EscalationSettings& settings,
                                            const std::vector<core::Calendar>* calendars) {
  std::set<std::string, std::less<>> tags;
  for (size_t c = 0; calendars != nullptr && c < calendars->size(); ++c) {
    for (const core::Period& p : (*calendars)[c].periods) tags.insert(p.tags.begin(), p.tags.end());
  }
  const auto& policies = settings.policies.policies;
  for (size_t i = 0; i < policies.size(); ++i) {
    for (const std::string& name : policies[i].period_kinds) {
      if (core::ParsePeriodKind(name) || tags.contains(name)) continue;
      auto line = settings.period_lines.find(policies[i].id);
      return LoadError{
          settings.source, line != settings.period_lines.end() ? line->second : 0,
          "policies[" + std::to_string(i) + "].periods",
          "'" + name + "' is neither a period kind nor the tag of any calendar period"};
    }
  }
  return std::nullopt;
}

}  // namespace pingan::config

#include "daemon/core/roster_coverage.h"

#include <algorithm>
#include <set>

namespace pingan::core {
namespace {

// Whether a period scoped to `scope` concerns `unit_id`: it applies to the unit (scope
// above it) or to some of the schools the unit oversees (scope below it).
bool Concerns(const OrgTree& tree, std::string_view scope, std::string_view unit_id) {
  if (scope.empty()) return true;
  return tree.IsInSubtree(unit_id, scope) || tree.IsInSubtree(scope, unit_id);
}

std::string ZoneOf(const OrgTree& tree, const std::string& unit_id, const Calendar& calendar,
                   const std::string& default_zone) {
  const std::string fallback = calendar.time_zone.empty() ? default_zone : calendar.time_zone;
  const Unit* unit = tree.Find(unit_id);
  return unit == nullptr ? fallback : tree.EffectiveTimeZone(*unit, fallback);
}

void AddPeriodGaps(const Rosters& rosters, const std::string& unit_id, const Period& period,
                   const std::string& zone, const CoverageQuery& query,
                   std::vector<CoverageGap>& out) {
  const auto start = LocalToInstant(date::local_days{period.first}, zone);
  const auto end = LocalToInstant(date::local_days{period.last} + date::days{1}, zone);
  if (!start || !end) return;  // an unknown zone: the schedule has already refused it
  const Instant from = std::max(*start, query.now);
  const Instant to = std::min(*end, query.now + query.horizon);
  if (from >= to) return;
  for (const RosterGap& g : FindGaps(rosters, unit_id, from, to)) {
    out.push_back(CoverageGap{unit_id, g.from, g.to, period.id, period.name, period.kind});
  }
}

}  // namespace

std::vector<std::string> UnitsPagedOnDuty(const EscalationConfig& config, const OrgTree& tree) {
  std::set<std::string> units;
  std::vector<const Unit*> schools;
  for (const Unit& u : tree.units()) {
    if (u.kind == UnitKind::kSchool) schools.push_back(&u);
  }
  for (const Policy& policy : config.policies) {
    for (const Step& step : policy.steps) {
      for (const Target& target : step.targets) {
        if (target.kind != Target::Kind::kOnDuty) continue;
        if (target.unit.kind == UnitRef::Kind::kFixed) {
          units.insert(target.unit.unit_id);
          continue;
        }
        for (const Unit* school : schools) {
          if (const Unit* u = ResolveUnitRef(target.unit, *school, tree)) units.insert(u->id);
        }
      }
    }
  }
  return {units.begin(), units.end()};
}

std::vector<CoverageGap> FindCoverageGaps(const Rosters& rosters,
                                          const std::vector<std::string>& units,
                                          const std::vector<Calendar>& calendars,
                                          const OrgTree& tree, const CoverageQuery& query) {
  std::vector<CoverageGap> out;
  for (const Calendar& calendar : calendars) {
    for (const Period& period : calendar.periods) {
      if (std::find(query.kinds.begin(), query.kinds.end(), period.kind) == query.kinds.end()) {
        continue;
      }
      const std::string& scope =
          period.scope_unit_id.empty() ? calendar.scope_unit_id : period.scope_unit_id;
      for (const std::string& unit_id : units) {
        if (!Concerns(tree, scope, unit_id)) continue;
        AddPeriodGaps(rosters, unit_id, period, ZoneOf(tree, unit_id, calendar, query.default_zone),
                      query, out);
      }
    }
  }
  std::sort(out.begin(), out.end(), [](const CoverageGap& a, const CoverageGap& b) {
    return std::tie(a.from, a.unit_id, a.to, a.period_name) <
           std::tie(b.from, b.unit_id, b.to, b.period_name);
  });
  // The same holiday is often in two calendars (an imported .ics and a YAML file):
  // report each hole once.
  out.erase(std::unique(out.begin(), out.end(),
                        [](const CoverageGap& a, const CoverageGap& b) {
                          return a.unit_id == b.unit_id && a.from == b.from && a.to == b.to &&
                                 a.period_name == b.period_name;
                        }),
            out.end());
  return out;
}

}  // namespace pingan::core

#include "daemon/core/alert_rules.h"

#include <algorithm>

#include "daemon/core/escalation_engine.h"
#include "daemon/core/local_time.h"
#include "daemon/core/window.h"

namespace pingan::core {
namespace {

bool InScope(const OrgTree& tree, const std::string& school, const std::string& scope) {
  return scope.empty() || tree.IsInSubtree(school, scope);
}

}  // namespace

bool ResolutionNoticesOwed(const Alert& a) {
  if (a.state != AlertState::kResolved || a.notified.empty()) return false;
  // A late report is in when its alert is raised: nobody waits to hear it was seen.
  if (a.kind == AlertKind::kLate) return false;
  for (auto it = a.timeline.rbegin(); it != a.timeline.rend(); ++it) {
    if (it->what == "notified") return false;
    if (it->what == "resolved") return true;
  }
  return true;
}

std::optional<Instant> EscalationWakeup(const Alert& a) {
  if (a.state != AlertState::kResolved) return NextWakeup(a);
  if (ResolutionNoticesOwed(a)) return a.resolved_at.value_or(a.created_at);
  return std::nullopt;
}

bool ReportOpensAlert(const Report& report) {
  return report.kind == ReportKind::kIncident;
}

std::vector<std::string> ActivePeriodKinds(const OrgTree& tree,
                                           const std::vector<Calendar>& calendars,
                                           const std::string& school_id, date::sys_days day) {
  std::vector<std::string> kinds;
  if (tree.Find(school_id) == nullptr) return kinds;
  for (const Calendar& cal : calendars) {
    if (!InScope(tree, school_id, cal.scope_unit_id)) continue;
    for (const Period& p : cal.periods) {
      if (!InScope(tree, school_id, p.scope_unit_id)) continue;
      if (date::sys_days{p.first} > day || date::sys_days{p.last} < day) continue;
      std::vector<std::string> names{std::string(PeriodKindName(p.kind))};
      names.insert(names.end(), p.tags.begin(), p.tags.end());
      for (std::string& name : names) {
        if (std::find(kinds.begin(), kinds.end(), name) == kinds.end()) kinds.push_back(name);
      }
    }
  }
  return kinds;
}

date::sys_days PolicyDay(const Alert& alert, const date::time_zone& zone) {
  if (alert.kind != AlertKind::kIncident) {
    if (auto owed = OwedDayOf(alert.window_id)) return date::sys_days{*owed};
  }
  return date::sys_days{LocalDayOf(zone, alert.created_at).time_since_epoch()};
}

std::vector<std::string> PolicyPeriodKinds(const OrgTree& tree,
                                           const std::vector<Calendar>& calendars,
                                           const date::time_zone& zone, const Alert& alert) {
  return ActivePeriodKinds(tree, calendars, alert.school_id, PolicyDay(alert, zone));
}

}  // namespace pingan::core

#include "daemon/core/reminders.h"

#include <set>

#include "daemon/core/ledger.h"

namespace pingan::core {
namespace {

OutboxRow ReminderRow(const DueWindow& due, const Unit& school, const Recipient& r,
                      std::vector<ChannelKind> channels, std::string_view report_label,
                      Instant now) {
  OutboxRow row;
  row.recipient = r;
  row.channels = std::move(channels);
  row.key = "reminder|" + SweepKey(due.window) + "|" + school.id + "|" + r.name;
  row.message = MessageKind::kDueSoon;
  row.alert_kind = AlertKind::kMissing;
  row.requirement_id = due.window.requirement_id;
  row.window_id = due.window.window_id;
  row.school = {school.id, school.name};
  row.deadline = due.window.deadline;
  row.report_label = std::string(report_label);
  row.time_zone = due.window.time_zone;
  row.created_at = now;
  row.next_attempt_at = now;
  return row;
}

// Everyone the route names for the school, each once.
std::vector<Recipient> RouteRecipients(const ReminderRoute& route, const Unit& school,
                                       const OrgTree& tree, const Rosters& rosters, Instant now) {
  static const EscalationConfig kNoGroups;
  std::vector<Recipient> out;
  std::set<std::string> seen;
  for (const Target& t : route.to) {
    for (Recipient& r :
         ResolveTarget(t, school.id, tree, kNoGroups, rosters, now, [](const std::string&) {})) {
      if (seen.insert(RecipientKey(r)).second) out.push_back(std::move(r));
    }
  }
  return out;
}

}  // namespace

ReminderRoute RouteFor(const std::vector<Requirement>& requirements,
                       std::string_view requirement_id, const Unit& school, const OrgTree& tree,
                       const std::vector<ChannelKind>& default_channels) {
  const Requirement* best = nullptr;
  size_t best_depth = 0;
  for (const Requirement& q : requirements) {
    if (q.id != requirement_id || q.disabled) continue;
    if (!q.scope_unit_id.empty() && !tree.IsInSubtree(school.id, q.scope_unit_id)) continue;
    const Unit* scope = q.scope_unit_id.empty() ? nullptr : tree.Find(q.scope_unit_id);
    const size_t depth = scope == nullptr ? 0 : tree.Ancestors(*scope).size() + 1;
    if (best == nullptr || depth > best_depth) {
      best = &q;
      best_depth = depth;
    }
  }
  return EffectiveRoute(best, default_channels);
}

ReminderRoute EffectiveRoute(const Requirement* q,
                             const std::vector<ChannelKind>& default_channels) {
  ReminderRoute route;
  if (q != nullptr && q->reminder_route) route = *q->reminder_route;
  if (route.to.empty()) {
    route.to = {Target::Contact(UnitRef::School(), ContactRole::kDutyContact)};
  }
  if (route.channels.empty()) route.channels = default_channels;
  return route;
}

ReminderPlan PlanReminders(const DueWindow& due,
                           const std::function<bool(std::string_view school_id)>& has_report,
                           const OrgTree& tree, const std::vector<ChannelKind>& channels,
                           std::string_view report_label, Instant now,
                           const ReminderRouting& routing) {
  static const std::vector<Requirement> kNoRequirements;
  static const Rosters kNoRosters;
  const auto& requirements =
      routing.requirements != nullptr ? *routing.requirements : kNoRequirements;
  const Rosters& rosters = routing.rosters != nullptr ? *routing.rosters : kNoRosters;
  ReminderPlan plan;
  for (const Unit* school : SchoolsToRemind(due, has_report)) {
    const ReminderRoute route =
        RouteFor(requirements, due.window.requirement_id, *school, tree, channels);
    bool reached = false;
    for (const Recipient& r : RouteRecipients(route, *school, tree, rosters, now)) {
      std::vector<ChannelKind> usable = UsableChannels(r, route.channels);
      if (usable.empty()) continue;
      reached = true;
      if (!route.all_at_once) {
        plan.rows.push_back(ReminderRow(due, *school, r, std::move(usable), report_label, now));
        continue;
      }
      for (ChannelKind k : usable) {
        OutboxRow row = ReminderRow(due, *school, r, {k}, report_label, now);
        row.key += "|" + std::string(ChannelKindName(k));
        row.all_at_once = true;
        plan.rows.push_back(std::move(row));
      }
    }
    if (!reached) ++plan.schools_without_contact;
  }
  return plan;
}

}  // namespace pingan::core

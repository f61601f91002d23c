#include "daemon/core/reminders.h"

#include "daemon/core/ledger.h"

namespace pingan::core {

ReminderPlan PlanReminders(const DueWindow& due,
                           const std::function<bool(std::string_view school_id)>& has_report,
                           const OrgTree& tree, const std::vector<ChannelKind>& channels,
                           std::string_view report_label, Instant now) {
  ReminderPlan plan;
  const std::string sweep_key = SweepKey(due.window);
  for (const Unit* school : SchoolsToRemind(due, has_report)) {
    bool reached = false;
    for (const Contact* c : tree.ContactsFor(*school, ContactRole::kDutyContact)) {
      OutboxRow row;
      row.recipient = Recipient{c->name, c->phone, c->email, ""};
      row.channels = UsableChannels(row.recipient, channels);
      if (row.channels.empty()) continue;
      reached = true;
      row.key = "reminder|" + sweep_key + "|" + school->id + "|" + c->name;
      row.message = MessageKind::kDueSoon;
      row.alert_kind = AlertKind::kMissing;
      row.requirement_id = due.window.requirement_id;
      row.window_id = due.window.window_id;
      row.school = {school->id, school->name};
      row.deadline = due.window.deadline;
      row.report_label = std::string(report_label);
      row.time_zone = due.window.time_zone;
      row.created_at = now;
      row.next_attempt_at = now;
      plan.rows.push_back(std::move(row));
    }
    if (!reached) ++plan.schools_without_contact;
  }
  return plan;
}

}  // namespace pingan::core

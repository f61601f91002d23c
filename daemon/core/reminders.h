// Reminders before a deadline ("一中尚未报平安"): when a window's reminder time has come,
// one outbox row per recipient of every school that has not reported yet (paused
// schools get none). The recipients are those of the school's requirement's
// `reminder.to` (ReminderRoute), by default the school's duty contacts. The rows go into
// the outbox the same way escalation messages do; their channels are chosen the same
// way too: the route's (or the configured default) channels restricted to the addresses
// the recipient has (UsableChannels), as one row in fallback order or, with
// `all_at_once`, one row per channel.
//
// Pure; safe on any thread.
#pragma once

#include <functional>
#include <string_view>
#include <vector>

#include "daemon/core/outbox_row.h"
#include "daemon/core/recipient.h"
#include "daemon/core/window.h"

namespace pingan::core {

// Today's default: SMS, then e-mail.
inline const std::vector<ChannelKind> kDefaultReminderChannels{ChannelKind::kSms,
                                                               ChannelKind::kEmail};

struct ReminderPlan {
  std::vector<OutboxRow> rows;  // MessageKind::kDueSoon, due at `now`
  // Schools owed a reminder with no duty contact that any of the channels reaches.
  int schools_without_contact = 0;
};

// Where the routes of reminders come from; without requirements every school gets the
// default route, without rosters an `on_duty` recipient is the unit's duty contacts.
struct ReminderRouting {
  const std::vector<Requirement>* requirements = nullptr;
  const Rosters* rosters = nullptr;
};

// The route of requirement `q` (null: none): its `reminder:` with the defaults filled in
// (recipients: the school's duty contacts; channels: `default_channels`).
ReminderRoute EffectiveRoute(const Requirement* q,
                             const std::vector<ChannelKind>& default_channels);

// The reminder route of `requirement_id` for `school`: that of the deepest requirement
// with the id scoped over the school (overrides replace inherited ones), or the default
// (the school's duty contacts over `default_channels`, in fallback order).
ReminderRoute RouteFor(const std::vector<Requirement>& requirements,
                       std::string_view requirement_id, const Unit& school, const OrgTree& tree,
                       const std::vector<ChannelKind>& default_channels);

// Idempotency key "reminder|<SweepKey>|<school>|<recipient name>", with "|<channel>"
// appended for the rows of an all-at-once route. `channels`: the default channels
// (escalation `channels.reminders`). `report_label`: how the message calls the report
// (ReportLabel; empty: "报平安").
ReminderPlan PlanReminders(const DueWindow& due,
                           const std::function<bool(std::string_view school_id)>& has_report,
                           const OrgTree& tree, const std::vector<ChannelKind>& channels,
                           std::string_view report_label, Instant now,
                           const ReminderRouting& routing = {});

}  // namespace pingan::core

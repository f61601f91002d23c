// Reminders before a deadline ("一中尚未报平安"): when a window's reminder time has come,
// one outbox row per duty contact of every school that has not reported yet (paused
// schools get none). The rows go into the outbox the same way escalation messages do;
// their channels are chosen the same way too: the configured preference restricted to
// the addresses the contact has (UsableChannels).
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

// Idempotency key "reminder|<SweepKey>|<school>|<contact name>". `report_label`: how
// the message calls the report (ReportLabel; empty: "报平安").
ReminderPlan PlanReminders(const DueWindow& due,
                           const std::function<bool(std::string_view school_id)>& has_report,
                           const OrgTree& tree, const std::vector<ChannelKind>& channels,
                           std::string_view report_label, Instant now);

}  // namespace pingan::core

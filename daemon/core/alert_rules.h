// Alert rules the store and the jobs apply: when the escalation runner must next look
// at an alert, whether "resolved" notices are still owed, which report opens an alert,
// and which calendar period kinds are active for a school (policy selection).
//
// Pure functions: no I/O, no clock reads (time is an argument); safe on any thread.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <date/tz.h>

#include "daemon/core/alert.h"
#include "daemon/core/calendar.h"
#include "daemon/core/org_tree.h"
#include "daemon/core/report.h"

namespace pingan::core {

// True when the alert is resolved, people were notified about it, and no "notified"
// timeline entry follows the last "resolved" one (the runner writes that entry in the
// transaction that queues the "resolved" notices). A late alert never owes them.
bool ResolutionNoticesOwed(const Alert& alert);

// When the escalation runner must next look at `alert`: NextWakeup for an unresolved
// alert (a new one is due at creation); for a resolved one, its resolution time while
// ResolutionNoticesOwed; otherwise nullopt.
std::optional<Instant> EscalationWakeup(const Alert& alert);

// True when storing `report` opens an alert (an incident report does).
bool ReportOpensAlert(const Report& report);

// Calendar period kinds ("public_holiday", "major_event", ...) and period tags ("汛期",
// "考试") covering the school's local date at `now` in `zone`, each once, in calendar
// order (a period's kind, then its tags): what policies' `periods` conditions match.
// Empty when the school is not in `tree`.
std::vector<std::string> ActivePeriodKinds(const OrgTree& tree,
                                           const std::vector<Calendar>& calendars,
                                           const date::time_zone& zone,
                                           const std::string& school_id, Instant now);

}  // namespace pingan::core

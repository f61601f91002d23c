// Alert rules the store and the jobs apply: when the escalation runner must next look
// at an alert, whether "resolved" notices are still owed, which report opens an alert,
// and which calendar period kinds choose an alert's policy (the day it belongs to).
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
// "考试") covering local day `day` for the school, each once, in calendar order (a
// period's kind, then its tags): what policies' `periods` conditions match. Empty when
// the school is not in `tree`.
std::vector<std::string> ActivePeriodKinds(const OrgTree& tree,
                                           const std::vector<Calendar>& calendars,
                                           const std::string& school_id, date::sys_days day);

// The local day whose periods choose the alert's escalation policy. A missing or late
// alert belongs to the day its report was owed for (OwedDayOf its window), not to the
// day it is raised: the exam night of the 10th, due by 08:00 on the 11th and missed
// after the exam period ended, is still an exam matter and goes to the exam policy. An
// incident belongs to the local day (in `zone`) it was raised, as does an alert whose
// window id names no day.
date::sys_days PolicyDay(const Alert& alert, const date::time_zone& zone);

// ActivePeriodKinds of the alert's school on its PolicyDay: what SelectPolicy is given.
std::vector<std::string> PolicyPeriodKinds(const OrgTree& tree,
                                           const std::vector<Calendar>& calendars,
                                           const date::time_zone& zone, const Alert& alert);

}  // namespace pingan::core

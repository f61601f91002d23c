// Recurrence: the days an iCalendar RRULE (RFC 5545 section 3.3.10) names, for
// requirements that are due on some days only ("FREQ=WEEKLY;BYDAY=FR", the last day of
// each month "FREQ=MONTHLY;BYMONTHDAY=-1", quarterly "FREQ=MONTHLY;INTERVAL=3;...").
//
// Rules name whole days: FREQ is DAILY, WEEKLY, MONTHLY or YEARLY, without BYHOUR,
// BYMINUTE or BYSECOND, and say the days they mean (BYDAY for weekly, BYMONTHDAY or
// BYDAY for monthly, ...) rather than taking them from a start date nobody wrote down.
// The rule starts on `start` (a requirement's active_from, else kRecurrenceEpoch), which
// only fixes the phase of INTERVAL > 1. Expansion uses libical's icalrecur iterator
// (pure arithmetic, no I/O) and stops after kMaxRecurrenceSteps occurrences, so that no
// rule can loop or allocate without bound.
//
// Plain functions; libical's recurrence code keeps no shared state. Safe on any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <date/date.h>

namespace pingan::core {

// Where a rule starts when its requirement names no active_from: a Monday in January,
// so that INTERVAL=3 months gives January, April, July and October.
inline constexpr date::sys_days kRecurrenceEpoch = date::sys_days{date::year{2000} / 1 / 3};
// Most occurrences looked at in one expansion: a daily rule from the epoch to 2200.
inline constexpr int kMaxRecurrenceSteps = 75000;

// The problem with `rule`, or nullopt when it is a usable whole-day RRULE.
std::optional<std::string> CheckRecurrence(std::string_view rule);

// The days of `rule` started on `start` that lie in [from, to], ascending and distinct.
// Empty for a rule CheckRecurrence refuses.
std::vector<date::sys_days> RecurrenceDays(std::string_view rule, date::sys_days start,
                                           date::sys_days from, date::sys_days to);

}  // namespace pingan::core

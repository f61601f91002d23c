// DueDays: the local days a requirement covers for one school context, from its periods
// (`during` kinds and tags), its recurrence and shift, and its day filter. Split out of
// Schedule::Build so that each rule can be tested alone.
//
// Pure functions over plain values; safe on any thread.
#pragma once

#include <optional>
#include <vector>

#include <date/date.h>

#include "daemon/core/calendar.h"
#include "daemon/core/requirement.h"

namespace pingan::core {

// `day` moved by `shift` to a working day of `cal` (looking at most kMaxShiftDays days);
// `day` itself when it is a working day or `shift` is kNone; nullopt when none is found.
std::optional<date::sys_days> ShiftToWorkingDay(DayShift shift, const DayCalendar& cal,
                                                date::sys_days day);

// The days of `cal` that daily requirement `r` covers, ascending and distinct. For a
// requirement with a recurrence, `rule_days` are the rule's days (RecurrenceDays over a
// range reaching kMaxShiftDays beyond the periods); they are shifted, then kept when they
// lie in a period of `during`, then filtered by `days`. Without one, every day in those
// periods is filtered by `days`.
std::vector<date::sys_days> DueDays(const Requirement& r, const DayCalendar& cal,
                                    const std::vector<date::sys_days>& rule_days);

}  // namespace pingan::core

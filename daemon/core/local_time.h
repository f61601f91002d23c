// Local calendar time <-> UTC instants in an IANA time zone, plus the small text formats
// that calendars and requirements use (dates, times of day, durations).
//
// DST policy (the same everywhere in pingan): a local time inside a gap (clocks spring
// forward, e.g. 02:30 on the last Sunday of March in Berlin) moves forward to the first
// valid instant, which is the transition itself (03:00 local); a local time inside an
// overlap (clocks fall back, e.g. 02:30 on the last Sunday of October in Berlin) takes
// the earlier of its two instants (the summer-time one). Deadlines therefore never
// disappear and never happen twice.
//
// The zone data is the OS tzdb read by date/tz. Its compiled files list transitions up
// to 2037; instants after that may miss DST in zones that observe it.
//
// Pure functions over the read-only tz database; safe on any thread.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include <date/date.h>
#include <date/tz.h>

#include "daemon/core/clock.h"

namespace pingan::core {

// A local time of day as minutes since local midnight, in [0, 24h).
using TimeOfDay = std::chrono::minutes;

inline constexpr std::string_view kDefaultTimeZone = "Asia/Shanghai";

// The zone named `name`, or nullptr when the tzdb does not know it.
const date::time_zone* FindTimeZone(std::string_view name);

// The instant at which `day` reaches `time` on the local clock of `zone`, with the DST
// policy above.
Instant LocalToInstant(const date::time_zone& zone, date::local_days day, TimeOfDay time);
inline Instant StartOfLocalDay(const date::time_zone& zone, date::local_days day) {
  return LocalToInstant(zone, day, TimeOfDay{0});
}
// The local calendar day in `zone` that contains `t`.
date::local_days LocalDayOf(const date::time_zone& zone, Instant t);

// The last day of a month (28..31).
date::year_month_day LastDayOf(date::year_month ym);
// Day `day` (1..31) of `ym`, or the month's last day when the month is shorter.
date::year_month_day DayOrLastOfMonth(date::year_month ym, unsigned day);

// "YYYY-MM-DD", strict: two-digit month and day, a real calendar date.
std::optional<date::year_month_day> ParseDate(std::string_view text);
std::string FormatDate(date::year_month_day d);
std::string FormatYearMonth(date::year_month ym);  // "YYYY-MM"

// "HH:MM" from 00:00 to 23:59 (one-digit hours accepted: "9:30").
std::optional<TimeOfDay> ParseTimeOfDay(std::string_view text);
std::string FormatTimeOfDay(TimeOfDay t);  // "HH:MM"

// A non-negative duration: "0", or one or more <number><unit> parts with units d, h, m,
// s, ms, e.g. "30m", "1h30m", "2d", "45s". Whitespace is not allowed inside.
std::optional<Millis> ParseDuration(std::string_view text);
std::string FormatDuration(Millis d);  // inverse of ParseDuration, e.g. "1h30m"

// ISO 8601 UTC with milliseconds, "2026-10-03T08:00:00.000Z"; for messages and keys.
std::string FormatInstantUtc(Instant t);

}  // namespace pingan::core

// iCalendar (.ics) import of holiday calendars with libical.
//
// Mapping (RFC 5545 -> core::Calendar):
//   VEVENT with DTSTART;VALUE=DATE   one period (or adjusted working days, see below)
//     DTSTART                        first day
//     DTEND (exclusive, per RFC)     last day = DTEND - 1 day; without DTEND, DURATION
//                                    is used; with neither, the event lasts one day
//     SUMMARY                        period name
//     UID                            period id
//     CATEGORIES                     a category equal (case-insensitively) to a period kind
//                                    name ("public_holiday", "major_event", "school_term",
//                                    "vacation") sets the kind; otherwise options.kind
//     STATUS:CANCELLED               the event is skipped
//   An event is an adjusted working day (调休, e.g. "国庆节补班") when its SUMMARY contains
//   one of options.working_day_keywords or one of its CATEGORIES equals one of
//   options.working_day_categories; every day it spans becomes a working day.
//   Date-time DTSTART/DTEND are accepted only at midnight (how some programs write
//   all-day events); other timed events, recurring events (RRULE) and events without
//   DTSTART are errors naming the event's line. X-WR-TIMEZONE is ignored: holidays are
//   dates, and which zone a school's deadlines use is decided by its unit or calendar.
//   X-WR-CALNAME names the calendar when options.calendar_name is empty.
//
// Plain functions; libical's parser is re-entrant. Safe on any thread.
#pragma once

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "daemon/config/load_error.h"
#include "daemon/core/calendar.h"

namespace pingan::config {

struct IcsImportOptions {
  std::string calendar_name;  // empty: X-WR-CALNAME, else the file name
  std::string time_zone;      // the resulting Calendar's zone; empty = no opinion
  std::string scope_unit_id;  // empty = everyone
  core::PeriodKind kind = core::PeriodKind::kPublicHoliday;
  std::vector<std::string> working_day_keywords = {"补班", "上班"};
  std::vector<std::string> working_day_categories = {"working_day", "workday", "补班", "上班"};
};

std::variant<core::Calendar, LoadError> ImportIcsCalendar(const std::string& path,
                                                          const IcsImportOptions& options);
std::variant<core::Calendar, LoadError> ParseIcsCalendar(const std::string& text,
                                                         const std::string& file,
                                                         const IcsImportOptions& options);

}  // namespace pingan::config

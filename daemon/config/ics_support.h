// Pieces shared by the iCalendar importers (holiday calendars: ics_import.h; duty
// rosters: roster_ics.h): parsing with libical, the VCALENDARs of a file, the line of
// each VEVENT (libical keeps none) for error messages, and property helpers.
// Plain functions; libical's parser is re-entrant. Safe on any thread.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <libical/ical.h>

#include "daemon/config/load_error.h"

namespace pingan::config::ics {

using ComponentPtr = std::unique_ptr<icalcomponent, decltype(&icalcomponent_free)>;

// The parsed file, or an error when it is not iCalendar at all.
std::variant<ComponentPtr, LoadError> Parse(const std::string& text, const std::string& file);
// The VCALENDAR components of a parsed file (one, or several under an XROOT); empty
// when there are none.
std::vector<icalcomponent*> Calendars(icalcomponent* root);

// Line numbers of the "BEGIN:VEVENT" lines, in file order (libical keeps that order).
std::vector<int> EventLines(std::string_view text);

// The value of the first X- property `name` of `c`, "" when absent.
std::string XProperty(icalcomponent* c, std::string_view name);
// libical's description of a property it could not parse inside `c`, if any.
std::optional<std::string> ParseProblem(icalcomponent* c);

}  // namespace pingan::config::ics

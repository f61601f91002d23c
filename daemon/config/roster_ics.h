// Duty roster (值班表) import from iCalendar (.ics), as exported by the calendar programs
// duty offices already keep rosters in, and the roster-file front end that picks CSV
// (core::ImportRosterCsv) or iCalendar by the file name.
//
// Mapping (RFC 5545 -> core::Shift), one VEVENT = one person on one shift:
//   DTSTART, DTEND       the shift. Date-times in UTC ("...Z"), with TZID (an IANA name
//                        such as Asia/Shanghai; libical-style prefixes like
//                        "/freeassociation.sourceforge.net/Asia/Shanghai" and the
//                        Windows name "China Standard Time" are understood) or floating
//                        (no zone: the unit's own zone). Dates (VALUE=DATE) are whole
//                        days in the unit's zone, DTEND exclusive. DURATION may replace
//                        DTEND; one of them is required.
//   SUMMARY              the person's name (else the CN of the first ATTENDEE)
//   ATTENDEE             CN=<name>; value mailto:<email> or tel:<phone>
//   DESCRIPTION          lines "key: value" (':' or '：'); keys, case-insensitive:
//                        phone | tel | mobile | 电话 | 手机     the phone (wins over ATTENDEE)
//                        email | e-mail | mail | 邮箱          the email (wins over ATTENDEE)
//                        label | role | 岗位 | 职务            the shift's label (e.g. 值班领导)
//                        other lines are ignored
//   STATUS:CANCELLED     the event is skipped
//   RRULE                an error: list each shift (exports usually expand them)
// The unit the file is for: options.unit_id when set, else the calendar's X-PINGAN-UNIT,
// else X-WR-CALNAME when it is a unit id or the name of exactly one unit. The unit must
// exist in the org tree, whose zone (or `default_zone`) is the roster's zone. Each
// shift needs a name and a phone or an email. Errors are LoadErrors naming the file and
// the line of the event (or of the property) at fault.
//
// Plain functions; libical's parser is re-entrant. Safe on any thread.
#pragma once

#include <optional>
#include <string>
#include <variant>

#include "daemon/config/load_error.h"
#include "daemon/core/org_tree.h"
#include "daemon/core/roster.h"

namespace pingan::config {

struct RosterIcsOptions {
  std::string unit_id;       // empty: X-PINGAN-UNIT, else X-WR-CALNAME
  std::string default_zone;  // for units whose tree sets no zone
};

std::variant<core::Rosters, LoadError> ParseRosterIcs(const std::string& text,
                                                      const std::string& file,
                                                      const core::OrgTree& tree,
                                                      const RosterIcsOptions& options);

// One roster file of the escalation config: a CSV (core::ImportRosterCsv, units in a
// column) or an iCalendar file (name ending in .ics or .ical, any case) for `unit_id`.
struct RosterSource {
  std::string file;     // resolved path
  std::string unit_id;  // .ics only; empty = from the file
};

bool IsIcsRosterPath(const std::string& path);

// Reads and imports one roster file; a CSV's first error is reported with its line and
// the count of further ones.
std::variant<core::Rosters, LoadError> ImportRosterFile(const RosterSource& source,
                                                        const core::OrgTree& tree,
                                                        const std::string& default_zone);

// Adds `more` to `into`; a unit in both gets the shifts of both (rebuilt in its zone).
// Returns a message when the merged roster is refused.
std::optional<std::string> MergeRosters(core::Rosters& into, core::Rosters more);

}  // namespace pingan::config

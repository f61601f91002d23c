// Roster import from CSV: the text an admin exports from a spreadsheet, turned into
// Rosters or a list of line-numbered errors.
//
// Columns: unit_id,start,end,name,phone,email[,label], local date-times in the unit's
// time zone ("2024-10-01 08:00", "2024-10-01T08:00:00"; "24:00" means the next day's
// 00:00). A header row starting with "unit_id" is skipped; blank lines and lines
// starting with '#' are ignored; fields may be quoted ("a, b", "say ""hi"""; core/csv.h),
// but a quoted field cannot span lines. Pure string parsing: the caller reads the file.
// Safe on any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <date/date.h>

#include "daemon/core/org_tree.h"
#include "daemon/core/result.h"
#include "daemon/core/roster.h"

namespace pingan::core {

// A line-numbered problem (line and message; a syntax error also has its column).
using CsvError = Error;

// Parses and checks the whole text: unknown units, bad times, shifts ending before they
// start, missing name or addresses. All errors are reported, not only the first. Time
// zones come from the org tree (`default_zone` when no unit up the tree sets one).
std::variant<Rosters, std::vector<CsvError>> ImportRosterCsv(std::string_view text,
                                                             const OrgTree& tree,
                                                             std::string_view default_zone);

// "YYYY-MM-DD HH:MM[:SS]" (or with 'T'); nullopt when malformed or not a real date.
std::optional<date::local_seconds> ParseLocalDateTime(std::string_view text);

}  // namespace pingan::core

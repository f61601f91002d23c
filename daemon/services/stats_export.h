// The period statistics as files: CSV (UTF-8 with a byte-order mark and CRLF, like the
// ledger export, so that Excel on a zh-CN Windows opens it) and XLSX (Debian's
// libxlsxwriter), both rendered from the same tables (stats_tables.h).
//
// CSV: one section per table, each a header row of machine keys followed by its rows,
// sections separated by an empty line, the first column naming the section. Names a
// spreadsheet would run as a formula get a leading apostrophe.
// XLSX: one sheet per table (zh-CN names and column titles), numbers as numbers and
// rates as percentages, so that the figures can be summed and charted upward.
//
// Pure apart from the XLSX's temporary file (libxlsxwriter 1.1 writes only to files: one
// in $TMPDIR, removed before returning). Safe on any thread; run it on a read-pool
// worker, never on the io thread.
#pragma once

#include <string>

#include "daemon/services/stats_service.h"

namespace pingan::services {

std::string StatsCsv(const StatsAnswer& answer);
// The workbook's bytes; throws ControlError "internal" when libxlsxwriter fails.
std::string StatsXlsx(const StatsAnswer& answer);

// "pingan-stats-<from>-<to>[-<unit>]" for the files' names.
std::string StatsFileStem(const StatsAnswer& answer);

}  // namespace pingan::services

// Ledger export: a period's reporting record as CSV, for the annual assessments (考核)
// and for anyone who works in a spreadsheet.
//
// Rows: every school that owed a window due (core::DueDay: the local date of its
// deadline) in [from, to] (windows from the current schedule), with what the ledger
// knows about it, plus (for exports of the whole organisation) ledger rows of schools
// the schedule no longer lists, so that nothing recorded is left out: the walk of
// PeriodWindows, which the period statistics share. Columns:
//   date               the window's due day (YYYY-MM-DD); for a daily window the day it
//                      covers, for a monthly summary the day it is due
//   window             window id ("2026-10-03", "2026-10-03@16:00", "2026-10")
//   requirement        requirement id
//   school_id, school_name, district (the nearest district-level ancestor's name)
//   status             on_time | late | missing | excused, or outstanding (nothing yet,
//                      grace not over) | no_record (nothing recorded although the grace
//                      ended, e.g. before pingand was installed)
//   received_at        local time in the window's zone, "YYYY-MM-DD HH:MM:SS"
//   lateness_minutes   late rows: minutes after the deadline, rounded up
// UTF-8 with a byte-order mark and CRLF line ends, so that Excel on a zh-CN Windows
// opens it as UTF-8. Names that a spreadsheet would run as a formula (= + - @) get a
// leading apostrophe. Sorted by date, window, requirement, school id.
//
// Runs on the caller's thread with the caller's read-only connection; bounded by
// kMaxExportDays and kMaxExportRows so that one request cannot hold the io thread long.
#pragma once

#include <string>
#include <variant>

#include <date/date.h>

#include "daemon/config/schedule_bundle.h"
#include "daemon/core/clock.h"
#include "daemon/core/result.h"
#include "daemon/services/period_windows.h"
#include "daemon/store/database.h"

namespace pingan::services {

inline constexpr int kMaxExportDays = 366;
inline constexpr size_t kMaxExportRows = 300'000;

using ExportRequest = PeriodRequest;  // services/period_windows.h

struct ExportResult {
  std::string csv;
  size_t rows = 0;
};

// code: "bad_request" (period), "not_found" (unit unknown or outside the scope),
// "too_large" (more than kMaxExportRows rows).
using ExportError = core::Error;

std::variant<ExportResult, ExportError> ExportLedgerCsv(const config::ScheduleBundle& bundle,
                                                        store::Database& db,
                                                        const ExportRequest& request,
                                                        core::Instant now);

}  // namespace pingan::services

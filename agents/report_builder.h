// Report building and local checks: turns what the duty person typed into a
// core::Report, or explains why the agent refuses it before anything is spooled.
//
// The rules are core::ValidateReport (the very rules the daemon applies) plus a check
// that the encoded frame fits the daemon's ZMQ_MAXMSGSIZE (wire::kMaxFrameBytes): a
// report that the daemon would refuse, or drop unread, must never enter the spool where
// it would be resent forever. Pure functions except NewReportId, which reads libsodium's
// CSPRNG; all are thread-safe.
#pragma once

#include <cstdint>
#include <istream>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include <date/date.h>
#include <date/tz.h>

#include "daemon/core/clock.h"
#include "daemon/core/report.h"

namespace pingan::agent {

// Why the agent refuses a report locally. The message is meant for the duty person and
// never quotes the incident summary.
struct LocalRefusal {
  std::string message;
};

// core::ValidateReport plus the frame-size check; nullopt when the report may be spooled.
std::optional<LocalRefusal> CheckReport(const core::Report& report, core::Instant now,
                                        const core::ReportLimits& limits);

// A fresh UUIDv7 report id in canonical text form (time-ordered, 74 random bits).
std::string NewReportId(core::Instant now);

// What every report needs besides its own fields.
struct ReportContext {
  std::string school_id;
  const date::time_zone* zone = nullptr;  // the agent's zone: "today" is computed in it
  core::Instant now{};
  core::ReportLimits limits;
};

struct IncidentInput {
  std::string category;                    // core::ParseIncidentCategory names, e.g. "fire"
  std::string severity;                    // I..IV or 1..4
  std::string summary;                     // protected free text
  std::optional<std::string> occurred_at;  // ISO 8601; default: now
  uint32_t injured = 0;
  uint32_t dead = 0;
  uint32_t missing = 0;
  bool needs_leader_attention = false;
  std::optional<std::string> date;  // covered date YYYY-MM-DD; default: today
};

struct MonthlyInput {
  std::string month;  // YYYY-MM
  uint32_t hazards_found = 0;
  uint32_t hazards_rectified = 0;
  uint32_t drills_held = 0;
  uint32_t incidents = 0;
};

using BuildResult = std::variant<core::Report, LocalRefusal>;

// Each builder makes a new report id and runs CheckReport on the result.
BuildResult BuildAllClear(const ReportContext& context, const std::optional<std::string>& date);
BuildResult BuildIncident(const ReportContext& context, const IncidentInput& input);
// A monthly summary covers the first day of its month (the wire allows any day of it).
BuildResult BuildMonthly(const ReportContext& context, const MonthlyInput& input);

// Today's date on the local calendar of `zone`.
date::year_month_day LocalToday(const date::time_zone& zone, core::Instant now);

// ISO 8601 date-time: "2026-10-03T08:30:00Z", "2026-10-03T08:30+08:00", or without an
// offset ("2026-10-03 08:30", "2026-10-03T08:30:15.250"), then read as local time in
// `zone` (a time that falls into a DST gap moves to the transition). Seconds and
// milliseconds are optional.
std::optional<core::Instant> ParseDateTime(std::string_view text, const date::time_zone& zone);

// "YYYY-MM", strict.
std::optional<date::year_month> ParseYearMonth(std::string_view text);

// The incident summary from the command line: `file` when given (a path, or "-" for
// `stdin`), else `inline_text`, where "-" also means `stdin`. Reading it from a file or
// stdin keeps the protected text out of the process list (`ps`) and shell history.
// Trailing line ends are dropped; nullopt when the file cannot be read.
std::optional<std::string> ReadSummary(const std::string& inline_text, const std::string& file,
                                       std::istream& stdin_text);

}  // namespace pingan::agent

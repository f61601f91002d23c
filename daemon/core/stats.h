// Period statistics (/stats): for a period of days and a viewed unit, how the schools
// reported (per day and per child unit: owed, on time, late, missing, excused, on-time
// rate), which schools were repeatedly late or missing (the list a bureau names in its
// 通报), how many incidents came in by category and severity, and how quickly alerts
// were acknowledged and closed.
//
// The rules, in one place:
//  * Owed: one per school and window due (core::DueDay) in the period, excused ones
//    included. Its status is the ledger's (StatusAt): the recorded row; without one,
//    excused when the school was paused or exempt, expected ("pending") while the grace
//    period runs, missing once it has ended (nothing recorded is nothing received).
//  * On-time rate: on_time / (on_time + late + missing) (core::LedgerCounts): excused
//    and pending windows neither help nor hurt.
//  * Repeatedly late or missing: a school with a late or missing window on at least
//    `repeat_days` distinct days of the period (default 2), most such days first.
//  * Alerts and incidents count when raised (received) in [from_instant, to_instant);
//    time to acknowledge = acknowledged_at - raised, to close = resolved_at - raised
//    (an incident: its case's closing, 办结, when the case was closed, else the alert's
//    resolution). Medians over those that were acknowledged / closed; the median of an
//    even count is the mean of the two middle values.
//  * Only schools in the viewed unit's subtree count ("" = the whole organisation);
//    per-unit figures are per child of the viewed unit (core::ChildToward); a school no
//    longer in the organisation counts in the totals and under a unit of id "".
//
// Pure: plain values in, plain values out; `now` is an argument. Safe on any thread.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <date/date.h>

#include "daemon/core/alert.h"
#include "daemon/core/clock.h"
#include "daemon/core/ledger.h"
#include "daemon/core/org_tree.h"
#include "daemon/core/report.h"

namespace pingan::core {

inline constexpr int kDefaultRepeatDays = 2;

// One school's window due on `day`, as the ledger knows it.
struct StatsEntry {
  date::year_month_day day{};
  std::string school_id;
  std::optional<LedgerStatus> recorded;  // the ledger row's status; nullopt: no row
  bool excused = false;                  // paused or exempt (the schedule's view)
  Instant grace_end{};
};

// An alert raised in the period; for incidents, the report's category and the case.
struct StatsAlert {
  AlertKind kind = AlertKind::kMissing;
  std::string school_id;
  Instant raised{};
  std::optional<Instant> acknowledged;
  std::optional<Instant> resolved;
  std::optional<IncidentCategory> category;  // incidents
  std::optional<Severity> severity;          // incidents
  std::optional<Instant> case_closed;        // incidents: the case's closing (办结)
};

struct StatsOptions {
  date::year_month_day from{};
  date::year_month_day to{};  // inclusive
  std::string viewed_unit;    // "" = the whole organisation
  int repeat_days = kDefaultRepeatDays;
};

// The status an entry has at `now` (the rules above).
LedgerStatus StatusAt(const StatsEntry& entry, Instant now);

struct DayStats {
  date::year_month_day day{};
  LedgerCounts counts;
};

struct UnitStats {
  std::string unit_id;  // "" for schools no longer in the organisation
  std::string name;
  LedgerCounts counts;
};

struct RepeatedSchool {
  std::string school_id;
  std::string name;      // "" when no longer in the organisation
  std::string district;  // the nearest district-level ancestor's name
  int late_days = 0;
  int missing_days = 0;
  int days = 0;  // days with a late or missing window (a day with both counts once)
  LedgerCounts counts;
};

struct DurationStats {
  size_t count = 0;  // how many were acknowledged / closed
  std::optional<Millis> median;
};

struct AlertStats {
  size_t raised = 0;
  size_t open = 0;  // not closed yet
  DurationStats to_acknowledge;
  DurationStats to_close;
};

struct IncidentStats {
  AlertStats handling;
  std::map<IncidentCategory, size_t> by_category;
  std::map<Severity, size_t> by_severity;
};

struct PeriodStats {
  LedgerCounts total;
  std::vector<DayStats> days;    // every day of the period, in order
  std::vector<UnitStats> units;  // children of the viewed unit in tree order, then ""
  std::vector<RepeatedSchool> repeated;
  std::map<AlertKind, AlertStats> alerts;  // missing, late, incident: always present
  IncidentStats incidents;
};

PeriodStats ComputeStats(const OrgTree& tree, const StatsOptions& options,
                         const std::vector<StatsEntry>& entries,
                         const std::vector<StatsAlert>& alerts, Instant now);

// The median of `values` (reordered), nullopt when empty.
std::optional<Millis> Median(std::vector<Millis> values);

}  // namespace pingan::core

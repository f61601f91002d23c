// The period statistics as tables of cells: the one layout the CSV and XLSX exports
// both render (stats_export.h), so that a spreadsheet and the CSV carry the same
// figures under the same columns. Tables, in order:
//   summary    the period, the unit and the totals (one row)
//   days       per due day: owed, on_time, late, missing, excused, pending, on_time_rate
//   units      per child of the viewed unit: the same counts
//   repeated   schools late or missing on at least repeat_days days (the 通报 list)
//   alerts     per kind (missing, late, incident): raised, open, acknowledged, closed,
//              median minutes to acknowledge and to close
//   incidents  per category and per severity: how many
// Each column has a machine key (the CSV's header) and a zh-CN title (the sheet's).
// Pure; safe on any thread.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "daemon/services/stats_service.h"

namespace pingan::services {

struct StatsCell {
  std::string text;              // when not a number
  std::optional<double> number;  // counts, minutes, rates
  bool rate = false;             // a fraction 0..1 shown as a percentage
};

struct StatsColumn {
  std::string key;
  std::string title;  // zh-CN
};

struct StatsTable {
  std::string key;    // "summary", "days", ...
  std::string title;  // zh-CN sheet name
  std::vector<StatsColumn> columns;
  std::vector<std::vector<StatsCell>> rows;
};

std::vector<StatsTable> StatsTables(const StatsAnswer& answer);

// Minutes of a median, to a tenth; nullopt stays nullopt.
std::optional<double> MedianMinutes(const core::DurationStats& d);
// The on-time rate rounded to four places (0.9523), nullopt when nothing was decided.
std::optional<double> RoundedRate(const core::LedgerCounts& c);

}  // namespace pingan::services

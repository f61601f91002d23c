// WallOrder: the order of the duty room's big screen (大屏) — what the officers look up
// at. Open incidents are pinned above the missed reports and are never cut, whatever
// their number: an open severity-III incident flagged for leaders must not be pushed off
// the screen by a morning of missing reports. Incidents come by severity (I first), then
// those flagged for leaders, then the longest open; missed reports follow, missing
// before late, the longest waiting first, as many as the rows left allow. What does not
// fit is counted, never silently dropped.
//
// Pure: no clock, no I/O; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "daemon/core/clock.h"

namespace pingan::core {

struct WallItem {
  enum class Kind { kIncident, kMissing, kLate };
  Kind kind = Kind::kMissing;
  std::string id;            // report id (incidents) or alert id
  int severity = 0;          // incidents: 1 (I) .. 4 (IV); 0 otherwise
  bool leader_flag = false;  // incidents flagged for leaders' attention
  Instant since{};           // incidents: received; reports: the alert's creation
};

struct WallLayout {
  std::vector<WallItem> rows;  // every open incident, then the reports that fit
  size_t incidents = 0;        // open incidents (all of them are in `rows`)
  size_t reports = 0;          // missed reports, shown or not
  size_t more_reports = 0;     // missed reports left off for want of rows
};

// Orders `items` and fills at most `max_rows` rows, except that incidents are always
// all shown (they may use more rows than `max_rows` on their own).
WallLayout WallOrder(std::vector<WallItem> items, size_t max_rows);

}  // namespace pingan::core

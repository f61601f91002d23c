// Board: the duty console's counts of one reporting window (on time, late, missing,
// excused, not decided yet, incidents), for the viewed unit's whole subtree and for
// each of its children (one level of drill-down), plus a school's reporting record.
//
// Pure aggregation over values the caller read (ledger statuses, incident counts) and
// the org tree: no I/O, no clock. Safe on any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/core/org_tree.h"

namespace pingan::core {

// Where a school stands in one reporting window. kOutstanding: nothing is known yet
// (before its deadline, or after it until the deadline sweep decides).
enum class BoardStatus { kOnTime, kLate, kMissing, kExcused, kOutstanding };

std::string_view BoardStatusName(BoardStatus s);  // "on_time", ..., "outstanding"
std::optional<BoardStatus> ParseBoardStatus(std::string_view name);

// A school's status from what the ledger recorded (nullopt: no row yet) and whether the
// school is paused: a recorded status wins (a paused school may still have reported);
// a paused school without a row is excused; any other school is outstanding.
BoardStatus SchoolBoardStatus(std::optional<BoardStatus> recorded, bool paused);

struct BoardCounts {
  int schools = 0;
  int on_time = 0;
  int late = 0;
  int missing = 0;
  int excused = 0;
  int outstanding = 0;
  int incidents = 0;  // incident reports of these schools for the window's dates

  // Counts one more school with `status` and `incidents` incident reports.
  void Add(BoardStatus status, int incidents);
  friend bool operator==(const BoardCounts&, const BoardCounts&) = default;
};

// One school of a window: the school's id, its status, its incident reports.
struct BoardSchool {
  std::string_view school_id;
  BoardStatus status = BoardStatus::kOutstanding;
  int incidents = 0;
};

struct UnitCounts {
  const Unit* unit = nullptr;  // a child of the viewed unit
  BoardCounts counts;
};

struct BoardAggregate {
  BoardCounts total;
  // Per child of the viewed unit that holds at least one of the schools, in the tree's
  // order of children. A school that is itself a child is its own entry.
  std::vector<UnitCounts> units;
};

// The child of `ancestor_id` on the way down to `unit_id` (the unit itself when it is a
// direct child). An empty `ancestor_id` stands for the whole organisation, whose
// children are the roots. nullptr when `unit_id` is unknown, is `ancestor_id` itself or
// lies outside its subtree.
const Unit* ChildToward(const OrgTree& tree, std::string_view ancestor_id,
                        std::string_view unit_id);

// Counts the `schools` that lie in the subtree of `viewed_unit_id` (empty: everyone;
// schools outside and unknown ids are ignored): in total and per child of the viewed
// unit. When the viewed unit is a school, its own status is the total and `units` is
// empty.
BoardAggregate AggregateBoard(const OrgTree& tree, std::string_view viewed_unit_id,
                              const std::vector<BoardSchool>& schools);

// A school's record over a span of windows. `windows` counts decided windows (on time,
// late, missing, excused); windows still outstanding are counted apart and left out of
// the rate. on_time_rate = on_time / (windows - excused), nullopt when that is 0: a
// window a school was excused from neither helps nor hurts it.
struct ReportingStats {
  int windows = 0;
  int on_time = 0;
  int late = 0;
  int missing = 0;
  int excused = 0;
  int outstanding = 0;
  std::optional<double> on_time_rate;
};

ReportingStats SummarizeReporting(const std::vector<BoardStatus>& statuses);

}  // namespace pingan::core

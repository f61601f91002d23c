#include "daemon/core/board.h"

#include <unordered_map>

namespace pingan::core {

std::string_view BoardStatusName(BoardStatus s) {
  switch (s) {
    case BoardStatus::kOnTime:
      return "on_time";
    case BoardStatus::kLate:
      return "late";
    case BoardStatus::kMissing:
      return "missing";
    case BoardStatus::kExcused:
      return "excused";
    case BoardStatus::kOutstanding:
      return "outstanding";
  }
  return "outstanding";
}

std::optional<BoardStatus> ParseBoardStatus(std::string_view name) {
  for (auto s : {BoardStatus::kOnTime, BoardStatus::kLate, BoardStatus::kMissing,
                 BoardStatus::kExcused, BoardStatus::kOutstanding}) {
    if (BoardStatusName(s) == name) return s;
  }
  return std::nullopt;
}

BoardStatus SchoolBoardStatus(std::optional<BoardStatus> recorded, bool paused) {
  if (recorded) return *recorded;
  return paused ? BoardStatus::kExcused : BoardStatus::kOutstanding;
}

void BoardCounts::Add(BoardStatus status, int school_incidents) {
  ++schools;
  incidents += school_incidents;
  switch (status) {
    case BoardStatus::kOnTime:
      ++on_time;
      break;
    case BoardStatus::kLate:
      ++late;
      break;
    case BoardStatus::kMissing:
      ++missing;
      break;
    case BoardStatus::kExcused:
      ++excused;
      break;
    case BoardStatus::kOutstanding:
      ++outstanding;
      break;
  }
}

const Unit* ChildToward(const OrgTree& tree, std::string_view ancestor_id,
                        std::string_view unit_id) {
  if (unit_id == ancestor_id) return nullptr;
  // Walks up with Parent() (no allocation): this runs once per school of a window.
  for (const Unit* u = tree.Find(unit_id); u != nullptr;) {
    const Unit* parent = tree.Parent(*u);
    if (parent == nullptr) return ancestor_id.empty() ? u : nullptr;
    if (parent->id == ancestor_id) return u;
    u = parent;
  }
  return nullptr;
}

BoardAggregate AggregateBoard(const OrgTree& tree, std::string_view viewed_unit_id,
                              const std::vector<BoardSchool>& schools) {
  BoardAggregate out;
  std::unordered_map<const Unit*, BoardCounts> per_child;
  for (const BoardSchool& s : schools) {
    if (s.school_id == viewed_unit_id && tree.Find(s.school_id) != nullptr) {
      out.total.Add(s.status, s.incidents);  // the viewed unit is this school
      continue;
    }
    const Unit* child = ChildToward(tree, viewed_unit_id, s.school_id);
    if (child == nullptr) continue;  // outside the viewed subtree
    out.total.Add(s.status, s.incidents);
    per_child[child].Add(s.status, s.incidents);
  }
  const std::vector<const Unit*> children =
      viewed_unit_id.empty() ? tree.Roots() : tree.Children(viewed_unit_id);
  for (const Unit* child : children) {
    auto it = per_child.find(child);
    if (it != per_child.end()) out.units.push_back({child, it->second});
  }
  return out;
}

ReportingStats SummarizeReporting(const std::vector<BoardStatus>& statuses) {
  ReportingStats out;
  for (BoardStatus s : statuses) {
    switch (s) {
      case BoardStatus::kOnTime:
        ++out.on_time;
        break;
      case BoardStatus::kLate:
        ++out.late;
        break;
      case BoardStatus::kMissing:
        ++out.missing;
        break;
      case BoardStatus::kExcused:
        ++out.excused;
        break;
      case BoardStatus::kOutstanding:
        ++out.outstanding;
        continue;  // not decided: not a window of the record yet
    }
    ++out.windows;
  }
  const int counted = out.windows - out.excused;
  if (counted > 0) out.on_time_rate = static_cast<double>(out.on_time) / counted;
  return out;
}

}  // namespace pingan::core

// OverviewService: the typed queries behind the duty console's board and its
// drill-down to schools. The control socket ("board", "board.schools") and the HTTP
// routes (/api/v1/board, /api/v1/board/schools) are thin adapters over it; the JSON of
// its results is in board_json.h.
//
// Threading: the methods are const and run on a read-pool worker, several at once;
// each leases a read-only connection from the shared pool. It writes nothing. Errors
// are thrown as ControlError (not_found, bad_request, no_schedule).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "daemon/core/alert.h"
#include "daemon/core/board.h"
#include "daemon/core/schedule.h"
#include "daemon/services/query_support.h"

namespace pingan::services {

// A unit as answers name it; empty strings for the whole organisation ("").
struct UnitRef {
  std::string id;
  std::string name;
  std::string kind;  // core::UnitKindName
};

// A window as the console shows it, with its requirement's name.
struct WindowView {
  core::Window window;
  std::string requirement_name;
};

// The unit `unit_id` as answers name it (empty strings for "" or an unknown id).
UnitRef UnitRefOf(const config::ScheduleBundle& b, const std::string& unit_id);
// `w` with its requirement's name.
WindowView ViewOf(const config::ScheduleBundle& b, const core::Window& w);

struct BoardQuery {
  std::optional<date::year_month_day> date;  // default: today in the default zone
  std::string unit;                          // default: the root
};

struct BoardUnit {
  UnitRef unit;  // a child of the viewed unit
  core::BoardCounts counts;
};

struct BoardWindow {
  WindowView window;
  core::BoardCounts counts;      // the viewed unit's subtree
  std::vector<BoardUnit> units;  // one level of drill-down, in tree order
};

// The windows of one day (all-clear windows covering it, monthly windows due on it, by
// deadline) that someone in view owes, and the day's incident reports in view.
struct DayBoard {
  date::year_month_day date;
  core::Instant now;
  UnitRef unit;
  int incidents = 0;
  std::vector<BoardWindow> windows;
};

struct BoardSchoolsQuery {
  std::string window;                       // required
  std::string requirement;                  // needed when several own `window`
  std::optional<core::BoardStatus> status;  // only schools with this status
  int limit = 10000;
  std::string unit;  // default: the root
};

// One school of a window, in tree order (paused schools last).
struct BoardSchoolRow {
  std::string school_id;
  std::string school_name;
  std::string parent_id;
  std::string parent_name;
  std::string requirement_id;
  std::string window_id;
  core::Instant deadline;
  core::BoardStatus status = core::BoardStatus::kOutstanding;
  std::optional<core::Instant> received_at;
  std::optional<int64_t> lateness_minutes;  // whole minutes, rounded up
  std::optional<std::string> alert_id;      // missing and late schools' missing alert
  std::optional<core::AlertState> alert_state;
};

// Virtual so that route tests can stand in a fake; the daemon has one instance, shared
// by the control commands and the HTTP routes.
class OverviewService {
 public:
  explicit OverviewService(ConsoleQueryContext context) : c_(std::move(context)) {}
  virtual ~OverviewService() = default;

  virtual DayBoard Board(const BoardQuery& q) const;
  virtual std::vector<BoardSchoolRow> BoardSchools(const BoardSchoolsQuery& q) const;

 private:
  ConsoleQueryContext c_;
};

// `text` (YYYY-MM-DD) as a date; ControlError bad_request otherwise.
date::year_month_day ParseDayText(const std::string& text);
// `text` ("on_time", ..., "outstanding") as a board status; bad_request otherwise.
core::BoardStatus ParseStatusText(const std::string& text);

}  // namespace pingan::services

// PeriodWindows: every school that owed a reporting window due (core::DueDay: the local
// date of its deadline) in a period of days, with what the ledger recorded for it — the
// one walk over a period that the ledger export (CSV) and the period statistics share,
// so that both count the same windows and the same schools.
//
// Windows come from the current schedule (exemptions applied: exempt schools are in the
// excused list, like paused ones). For a walk of the whole organisation (no unit, no
// scope) the ledger rows of schools the schedule no longer lists are visited too, so that
// nothing recorded is left out.
//
// Not thread-safe: one caller, on a read-pool worker, with its own read connection.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include <date/date.h>

#include "daemon/config/schedule_bundle.h"
#include "daemon/core/result.h"
#include "daemon/store/database.h"
#include "daemon/store/ledger_repository.h"

namespace pingan::services {

struct PeriodRequest {
  date::year_month_day from;
  date::year_month_day to;  // inclusive
  std::string unit;         // only schools under this unit; empty = all
  std::string scope;        // a leader's scope: only schools under it; empty = no limit
};

// The problem with the request, or nullopt: code "bad_request" (from after to, longer
// than `max_days`) or "not_found" (unit unknown or outside the scope).
std::optional<core::Error> CheckPeriod(const core::OrgTree& tree, const PeriodRequest& request,
                                       int max_days);

// One school of one window.
struct PeriodEntry {
  const core::Window& window;  // in the school's zone
  const std::string& school_id;
  const core::Unit* unit;       // nullptr: no longer in the organisation
  const store::LedgerRow* row;  // nullptr: nothing recorded
  bool excused;                 // paused or exempt
};

class PeriodWindows {
 public:
  PeriodWindows(const config::ScheduleBundle& bundle, store::Database& db,
                const PeriodRequest& request);

  // Finds the windows; "too_large" (with `too_large_message`) when they hold more than
  // `max_entries` schools.
  std::optional<core::Error> Collect(size_t max_entries, const std::string& too_large_message);

  // Calls `on_entry` for each school of each window, window by window in (due day,
  // window id, requirement id) order, and `after_window` after each window (it may stop
  // the walk with an error).
  using AfterWindow = std::function<std::optional<core::Error>()>;
  std::optional<core::Error> Visit(const std::function<void(const PeriodEntry&)>& on_entry,
                                   const AfterWindow& after_window = nullptr);

  // The entries Collect found (before rows of unlisted schools).
  size_t expected() const { return expected_; }

 private:
  struct WindowSchools {
    std::vector<core::Window> windows;  // one per zone / calendar context
    std::vector<std::vector<const core::Unit*>> schools;
    std::vector<std::vector<const core::Unit*>> paused;
    size_t owed = 0;  // schools owing it before filtering
  };

  bool Wanted(std::string_view school) const;
  bool Scoped() const { return !request_.unit.empty() || !request_.scope.empty(); }
  std::vector<const core::Unit*> Keep(const std::vector<const core::Unit*>& units) const;
  void VisitWindow(const WindowSchools& w, const std::function<void(const PeriodEntry&)>& on_entry);

  const config::ScheduleBundle& bundle_;
  store::Database& db_;
  store::LedgerRepository ledger_;
  const PeriodRequest& request_;
  std::map<std::tuple<date::year_month_day, std::string, std::string>, WindowSchools> windows_;
  size_t expected_ = 0;
};

}  // namespace pingan::services

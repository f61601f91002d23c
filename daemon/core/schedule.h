// Schedule: every reporting window of every school, derived from the org tree, the
// calendars and the requirements, and queried by instant ("which grace periods ended
// since the last sweep?") or by school and date ("what does this school owe today?").
//
// Build resolves, once, for every school: its requirements (the deepest requirement of
// each id whose scope contains the school; a disabled one removes it), its calendar
// periods and adjusted working days (those whose scope contains it) and its time zone:
// the nearest `time_zone` set on the school or an ancestor, else the zone of the deepest
// calendar in scope that names one, else `default_time_zone`. Schools with identical
// requirements, zones and qualifying days share one group and one list of windows, so
// a query never rescans the tree. Windows with a finite set of days are precomputed;
// monthly requirements without `during` repeat forever and are generated on demand.
//
// Lifetime: the Schedule keeps `const Unit*` into the OrgTree it was built from. The
// OrgTree must outlive the Schedule; moving the OrgTree is fine (its units stay where
// they are), copying or rebuilding it is not — build a new Schedule for a new tree.
// Paused schools are taken from the tree at Build time: rebuild when it changes.
//
// Threading: immutable after Build; any number of threads may query concurrently.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <date/date.h>
#include <date/tz.h>

#include "daemon/core/calendar.h"
#include "daemon/core/clock.h"
#include "daemon/core/org_tree.h"
#include "daemon/core/report.h"
#include "daemon/core/requirement.h"
#include "daemon/core/window.h"

namespace pingan::core {

struct ScheduleError {
  std::string subject;  // e.g. "requirement 'holiday-daily'", "calendar 'cn-2026' period ..."
  std::string source;   // the item's `source` ("calendars.yaml:12"), may be empty
  std::string message;
  std::string ToString() const;  // "calendars.yaml:12: requirement 'x': message"
};

class Schedule {
 public:
  // Fails on an unknown time zone or scope unit, a malformed period or requirement, two
  // requirements with the same id and scope, or two calendars with different zones on
  // the same scope.
  static std::variant<Schedule, ScheduleError> Build(const OrgTree& tree,
                                                     std::vector<Calendar> calendars,
                                                     std::vector<Requirement> requirements,
                                                     std::string default_time_zone);

  // Windows whose grace_end lies in (from_exclusive, to_inclusive], with their schools,
  // ordered by grace_end. Consecutive calls over adjoining intervals return each window
  // exactly once, which makes catch-up after downtime one call over (last_swept, now].
  // Start the first sweep at the install time, not the epoch: a range of years returns
  // years of windows.
  std::vector<DueWindow> GraceEndsBetween(Instant from_exclusive, Instant to_inclusive) const;
  // Windows with a reminder whose remind_at lies in (from_exclusive, to_inclusive].
  std::vector<DueWindow> RemindersBetween(Instant from_exclusive, Instant to_inclusive) const;
  // The next grace_end or reminder strictly after `t`, for arming a timer.
  std::optional<Instant> NextEventAfter(Instant t) const;

  // The window a report by `school_id` of `kind` covering `covers` satisfies: for an
  // all-clear or an incident, the all-clear window of that date with the earliest
  // deadline; for a monthly summary, the window of the covered month. When a day has
  // several deadlines or several requirements apply, use WindowsFor + AttributeReport.
  std::optional<Window> WindowFor(std::string_view school_id, ReportKind kind,
                                  date::year_month_day covers) const;
  // Every window a report of `kind` covering `covers` could satisfy, ordered by
  // (requirement_id, deadline).
  std::vector<Window> WindowsFor(std::string_view school_id, ReportKind kind,
                                 date::year_month_day covers) const;
  // Windows of `school_id` whose covered dates include `local_day` (the day's all-clear
  // windows and the month's summary window), ordered by deadline.
  std::vector<Window> WindowsOn(std::string_view school_id, date::year_month_day local_day) const;
  // A window ahead with the number of schools (paused ones included) that owe it.
  struct Upcoming {
    Window window;
    size_t schools = 0;
  };
  // The first `limit` distinct windows with deadline >= `from`, ordered by (deadline,
  // requirement_id, window_id), counting only the schools `include` accepts and leaving
  // out the windows none of them owes: the next deadlines of one subtree, so that a
  // leader learns nothing of requirements and schools outside it (the whole
  // organisation: accept every school). `include` is asked once per school per call.
  std::vector<Upcoming> UpcomingDeadlinesFor(Instant from, size_t limit,
                                             const std::function<bool(const Unit&)>& include) const;

  // The zone a school's local times are computed in; nullopt for an unknown school.
  std::optional<std::string> TimeZoneOf(std::string_view school_id) const;
  // Number of schools (paused ones included) that owe `requirement_id` at all.
  size_t SchoolCount(std::string_view requirement_id) const;
  const std::string& default_time_zone() const { return default_zone_name_; }
  size_t group_count() const { return groups_.size(); }

 private:
  // Schools sharing one requirement instance, zone and set of qualifying days.
  struct Group {
    uint32_t requirement = 0;  // index into requirements_
    const date::time_zone* zone = nullptr;
    std::string zone_name;
    bool on_demand = false;         // monthly without `during`: windows generated per query
    std::vector<uint32_t> windows;  // into windows_, by (covers_first, deadline)
    std::vector<const Unit*> schools;
    std::vector<const Unit*> paused;
  };
  // A precomputed window and the groups that owe it (several when equal windows arise
  // from different calendar contexts).
  struct SharedWindow {
    Window window;
    std::vector<uint32_t> groups;
  };
  struct Event {
    Instant at;
    uint32_t window;  // into windows_
  };
  struct SchoolEntry {
    std::string_view id;  // points into the OrgTree's unit
    uint32_t context;
  };
  friend class ScheduleBuilder;

  Schedule() = default;
  const SchoolEntry* FindSchool(std::string_view id) const;
  // On-demand monthly windows of group `g` for months overlapping [lo, hi] (with margin).
  std::vector<Window> OnDemandWindows(const Group& g, Instant lo, Instant hi) const;
  std::optional<Window> OnDemandWindowFor(const Group& g, date::year_month ym) const;
  std::vector<DueWindow> Collect(const std::vector<Event>& index, Instant from, Instant to,
                                 bool reminders) const;
  // Windows of the school's groups matching `pred`-style filters, unsorted.
  std::vector<Window> Covering(const SchoolEntry& s, date::year_month_day day, bool daily,
                               bool monthly) const;
  void AppendSchools(const std::vector<uint32_t>& groups, DueWindow& out) const;

  std::string default_zone_name_;
  std::vector<Requirement> requirements_;
  std::vector<Group> groups_;
  std::vector<SharedWindow> windows_;
  std::vector<Event> by_grace_end_;  // sorted by `at`
  std::vector<Event> by_remind_;     // only windows with a reminder
  std::vector<Event> by_deadline_;
  std::vector<uint32_t> on_demand_groups_;
  std::vector<std::vector<uint32_t>> context_groups_;  // context -> groups
  std::vector<std::string> context_zone_;              // context -> zone name
  std::vector<SchoolEntry> schools_;                   // sorted by id
};

}  // namespace pingan::core

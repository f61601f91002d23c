// StatusService: the typed queries about the daemon itself and its configuration that
// the control socket (control_handlers.cc: status, clock.now, calendar.show,
// deadlines.next, missing, ledger.today) and the HTTP routes (/api/v1/status, /deadlines, /missing,
// /calendars, /wall) are thin adapters over; the JSON of its results is in
// status_json.h.
//
//   Status         counts of reports, alerts and pending messages, the sweep's position
//   Clock          the daemon's clock (a drill clock during drills)
//   Calendar       calendars, periods and requirements concerning a unit's subtree
//   NextDeadlines  the next windows someone in a unit's subtree owes, with school counts
//   Missing        the missing reports the sweep recorded, with their missing alerts
//   Ledger         a day's all-clear windows with what the ledger holds about each
//
// Threading: the methods are const and run on a read-pool worker, several at once;
// reads lease a connection of the shared read-only pool. They write nothing. Errors are
// thrown as ControlError (not_found, no_schedule).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "daemon/config/escalation_config.h"
#include "daemon/config/schedule_bundle.h"
#include "daemon/core/alert.h"
#include "daemon/core/calendar.h"
#include "daemon/core/clock.h"
#include "daemon/core/drill_clock.h"
#include "daemon/core/requirement.h"
#include "daemon/core/schedule.h"
#include "daemon/services/overview_service.h"
#include "daemon/store/read_connections.h"

namespace pingan::services {

struct ControlContext {
  const core::Clock& clock;
  core::DrillClock* drill = nullptr;  // set only when the daemon runs on a drill clock
  const config::ScheduleSource& schedules;
  store::ReadPool reads;  // read-only connections, shared
  // The io thread's intake counters, opaque here (the ingest module names them).
  std::function<nlohmann::json()> ingest_stats;
  std::function<void()> on_clock_moved;  // ClockService: e.g. sweep at once after a jump
  // The escalation setup in force (null: none): the calendar shows who is told.
  config::EscalationSource escalation = nullptr;
};

struct ClockReading {
  core::Instant now{};
  bool drill = false;
};

struct DaemonStatus {
  ClockReading clock;
  int64_t reports = 0;
  int64_t open_alerts = 0;
  int64_t acknowledged_alerts = 0;
  int64_t outbox_pending = 0;
  nlohmann::json ingest = nlohmann::json::object();
  std::optional<core::Instant> swept_to;  // none before the first sweep
  std::optional<int64_t> schools;         // none without an organisation
};

// What concerns a unit's subtree: the calendars and periods that apply there or to part
// of it, and the requirements scoped so, with the escalation setup that routes them.
struct CalendarOverview {
  std::string time_zone;
  std::vector<core::Calendar> calendars;  // periods cut to those concerning the unit
  std::vector<core::Requirement> requirements;
  config::SharedEscalation escalation;  // null without an escalation file
};

struct DeadlinesQuery {
  std::string unit;  // default: the whole organisation
  int limit = 10;
};

// A window with the number of schools in view that owe it.
struct UpcomingDeadline {
  WindowView window;
  int64_t schools = 0;
};

// A missing report as the sweep recorded it, with its missing alert (if still stored).
struct MissingReport {
  std::string school_id;
  std::string school_name;
  std::string requirement_id;
  std::string window_id;
  core::Instant deadline{};
  std::string alert_id;  // "" when none
  std::optional<core::AlertState> alert_state;
};

// An all-clear window covering the day, with the ledger's counts of its schools.
struct LedgerWindow {
  WindowView window;
  int64_t schools = 0;  // that owe it
  int64_t on_time = 0;
  int64_t late = 0;
  int64_t missing = 0;
  int64_t excused = 0;      // exempted (免报) or paused
  int64_t outstanding = 0;  // nothing recorded yet while the grace runs; 0 once it ended
};
struct LedgerDay {
  date::year_month_day day;
  std::vector<LedgerWindow> windows;
};

// Virtual so that route tests can stand in a fake; the daemon has one instance, shared
// by the control commands and the HTTP routes.
class StatusService {
 public:
  explicit StatusService(ControlContext context) : c_(std::move(context)) {}
  virtual ~StatusService() = default;

  virtual DaemonStatus Status() const;
  virtual ClockReading Clock() const;
  // `unit` "" is everything; not_found for an unknown unit.
  virtual CalendarOverview Calendar(const std::string& unit) const;
  virtual std::vector<UpcomingDeadline> NextDeadlines(const DeadlinesQuery& q) const;
  // At most `limit`, newest deadlines first.
  virtual std::vector<MissingReport> Missing(int limit) const;
  // The windows covering `day` (default: today in the default zone); no_schedule
  // without an organisation.
  virtual LedgerDay Ledger(std::optional<date::year_month_day> day) const;

  const ControlContext& context() const { return c_; }

 private:
  ControlContext c_;
};

}  // namespace pingan::services

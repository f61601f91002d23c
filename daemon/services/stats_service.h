// StatsService: period statistics (/stats) from the ledger, shared by the control socket
// (stats_commands.cc: pinganctl stats) and the HTTP API (api/stats_routes.cc: the
// statistics page and its CSV and XLSX exports), which are thin adapters over it.
//
// Compute walks the period's windows as the ledger export does (PeriodWindows: the same
// windows, the same schools, the same statuses), reads the alerts raised in the period
// (store::AlertsRaisedBetween) and hands both to core::ComputeStats with the clock's now.
// The period's instants are local midnights in the organisation's default zone.
//
// Errors throw services::ControlError: no_schedule (no organisation configured),
// bad_request (dates malformed or out of order, a period over kMaxStatsDays, a bad
// repeat threshold), not_found (unit unknown or outside the scope), too_large (more than
// kMaxStatsEntries school-windows: ask for a shorter period or one unit).
//
// Threading: Compute runs on a read-pool worker, several at once (never on the io
// thread); each call leases a read-only connection of the shared pool.
#pragma once

#include <string>

#include "daemon/config/schedule_bundle.h"
#include "daemon/core/clock.h"
#include "daemon/core/stats.h"
#include "daemon/store/read_connections.h"

namespace pingan::services {

inline constexpr int kMaxStatsDays = 366;
// School-windows one computation may hold (a province of 20,000 schools over a month
// is about 450,000; each costs some 100 bytes while counted).
inline constexpr size_t kMaxStatsEntries = 4'000'000;

struct StatsServiceContext {
  const core::Clock& clock;  // the daemon's clock (a drill clock during drills)
  store::ReadPool reads;     // read-only connections, shared
  const config::ScheduleSource& schedules;
};

struct StatsRequest {
  std::string from;   // local date YYYY-MM-DD
  std::string to;     // local date YYYY-MM-DD, inclusive
  std::string unit;   // the viewed unit; "" = the scope, or the whole organisation
  std::string scope;  // a leader's scope; "" = no limit
  int repeat_days = core::kDefaultRepeatDays;
};

// A computation's figures with what they are about.
struct StatsAnswer {
  date::year_month_day from{};
  date::year_month_day to{};
  std::string unit_id;    // the viewed unit ("" = the whole organisation)
  std::string unit_name;  // its name ("" for the whole organisation)
  int repeat_days = core::kDefaultRepeatDays;
  core::Instant computed_at{};
  std::string time_zone;  // the organisation's default zone: the period's days
  core::PeriodStats stats;
};

class StatsService {
 public:
  explicit StatsService(StatsServiceContext context) : c_(std::move(context)) {}

  StatsAnswer Compute(const StatsRequest& request) const;

 private:
  StatsServiceContext c_;
};

// The same over a given bundle and connection (the benchmark and tests call it directly).
StatsAnswer ComputeStatsFor(const config::ScheduleBundle& bundle, store::Database& db,
                            const StatsRequest& request, core::Instant now);

}  // namespace pingan::services

// Roster gap warnings for administrators: the holes in the duty rosters during public
// holidays and major events of the coming days (core::FindCoverageGaps over the units
// that `on_duty` steps page and every unit that has a roster), as
//   - DutyService::Gaps (duty_service.h), behind the control command `rosters.gaps` and
//     GET /api/v1/rosters/gaps;
//   - warnings in the log when pingand starts and once a day after (RosterGapWatch).
// RosterGapsJson is the gaps' one JSON view: [{unit_id, unit_name, from, to, from_local,
// to_local, time_zone, hours, period_id, period, period_kind}]. The computation is pure
// and in memory; the watch runs on the io thread.
#pragma once

#include <functional>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <nlohmann/json.hpp>

#include "daemon/config/escalation_config.h"
#include "daemon/config/schedule_bundle.h"
#include "daemon/core/clock.h"
#include "daemon/core/roster_coverage.h"

namespace pingan::services {

inline constexpr int kDefaultGapDays = 14;

// The gaps of [now, now + days) (none without a schedule or escalation).
std::vector<core::CoverageGap> CurrentRosterGaps(const config::ScheduleBundle* schedule,
                                                 const config::EscalationSetup* escalation,
                                                 core::Instant now, int days);
nlohmann::json RosterGapsJson(const config::ScheduleBundle* schedule,
                              const std::vector<core::CoverageGap>& gaps);

struct RosterCommandContext {
  const core::Clock& clock;
  const config::ScheduleSource& schedules;
  config::EscalationSource escalation;  // holds null when escalation is not configured
};

// Logs the gaps of the next kDefaultGapDays days now and then every `every` (real time).
class RosterGapWatch {
 public:
  using Log = std::function<void(const std::string& line)>;
  RosterGapWatch(boost::asio::io_context& io, RosterCommandContext context, Log warn,
                 core::Millis every = std::chrono::hours{24});
  void Start();
  void Stop();
  // One check: the number of gaps found (each logged, up to a limit).
  size_t CheckNow();

 private:
  void Schedule();

  boost::asio::steady_timer timer_;
  RosterCommandContext context_;
  Log warn_;
  core::Millis every_;
  bool stopped_ = false;
};

}  // namespace pingan::services

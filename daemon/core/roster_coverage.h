// Roster coverage: the holes in the duty rosters (值班表) during the periods that matter
// most (public holidays, major events), listed before those periods start so that an
// administrator can fill them while there is still time.
//
// Pure functions over immutable values: no I/O, no clock (callers pass `now`). Safe on
// any thread.
#pragma once

#include <string>
#include <vector>

#include "daemon/core/calendar.h"
#include "daemon/core/clock.h"
#include "daemon/core/escalation_policy.h"
#include "daemon/core/org_tree.h"
#include "daemon/core/roster.h"

namespace pingan::core {

// A stretch of a watched period in which a unit has nobody on duty.
struct CoverageGap {
  std::string unit_id;
  Instant from{};
  Instant to{};
  std::string period_id;  // may be empty
  std::string period_name;
  PeriodKind period_kind = PeriodKind::kPublicHoliday;
};

// The units whose roster an escalation step pages: every `on_duty` target of every
// policy resolved for every school of the tree (a fixed unit is taken as it is, even
// when the tree does not know it). Sorted, without repeats.
std::vector<std::string> UnitsPagedOnDuty(const EscalationConfig& config, const OrgTree& tree);

struct CoverageQuery {
  Instant now{};
  Millis horizon{std::chrono::hours{24 * 14}};
  // Kinds of periods in which a roster must be complete.
  std::vector<PeriodKind> kinds = {PeriodKind::kPublicHoliday, PeriodKind::kMajorEvent};
  // Zone of units that set none (nor do their ancestors), as in the schedule.
  std::string default_zone = "Asia/Shanghai";
};

// For each unit in `units` and each period of `query.kinds` that concerns it (the
// period's scope, else its calendar's, is empty, contains the unit or lies below it)
// and overlaps [now, now + horizon): the parts of the period, clipped to that range,
// that the unit's roster does not cover (the whole period when the unit has no roster).
// A period's dates are whole local days in the unit's zone (the unit's or an
// ancestor's, else the calendar's, else `default_zone`). Sorted by start, then unit;
// a period defined alike in several calendars gives each hole once.
std::vector<CoverageGap> FindCoverageGaps(const Rosters& rosters,
                                          const std::vector<std::string>& units,
                                          const std::vector<Calendar>& calendars,
                                          const OrgTree& tree, const CoverageQuery& query);

}  // namespace pingan::core

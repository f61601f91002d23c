// CheckPolicyPeriods: escalation policies' `periods:` conditions name period kinds or
// period tags; a tag no calendar period carries can never match, which is almost always
// a typo ("考式" for "考试"), so it is refused with the policy's file and line.
// Pure function; safe on any thread.
#pragma once

#include <optional>
#include <vector>

#include "daemon/config/escalation_config.h"
#include "daemon/config/load_error.h"
#include "daemon/core/calendar.h"

namespace pingan::config {

// The first name in a policy's `periods` that is neither a period kind nor a tag of a
// period of `calendars` (null: no calendars), as a LoadError at that policy's
// `periods:` line.
std::optional<LoadError> CheckPolicyPeriods(const EscalationSettings& settings,
                                            const std::vector<core::Calendar>* calendars);

}  // namespace pingan::config

// What the calendar page shows per requirement beside its deadlines: which escalation
// policy takes its missing (and late) alerts, under which calendar periods, whom each
// step tells over which channels, and who gets its reminder before the deadline and
// how ("who owes what by when, and who is told"); and who the leaders' fast path tells.
//
// Pure functions over immutable configuration; safe on any thread.
#pragma once

#include <nlohmann/json.hpp>

#include "daemon/config/escalation_config.h"
#include "daemon/core/requirement.h"

namespace pingan::services {

// {"reminder": {before, to[], channels[], all_at_once, default} or null,
//  "escalation": [{alert_kind, policy, periods[], specific, steps[{wait, to[],
//  channels[], all_at_once}]}] or null without an escalation file}. Recipients are
// tokens ("school_duty", "district_on_duty", "group:<name>", "person:<name>",
// "unit:<id>_duty"). A kind lists the policies that may take it, most specific first,
// down to the first that applies whatever the periods.
nlohmann::json RequirementRouting(const core::Requirement& requirement,
                                  const config::EscalationSetup* escalation);

// The leaders' fast path beside the requirements (it takes grave incidents, whatever
// requirement or policy): {enabled, max_severity, lowest_unit, roles[], channels[],
// all_at_once}, or null without an escalation file.
nlohmann::json LeaderRouting(const config::EscalationSetup* escalation);

}  // namespace pingan::services

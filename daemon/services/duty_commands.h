// Control commands for the people on duty: who holds the duty now, and what happened
// during the last shift.
//
//   rosters   {at?: ISO instant (default now), unit?} every unit with a roster in the
//             unit's subtree: {at, escalation, rosters: [{unit_id, unit_name,
//             time_zone, on_duty: {name, phone, email, from, to, from_local,
//             to_local} | null, next: {name, from, to, from_local, to_local} | null,
//             shifts: [{name, phone, email, from, to, from_local, to_local, now}] (those
//             overlapping today and tomorrow in the roster's zone), gaps: [{from, to,
//             from_local, to_local}] (nobody on duty, same two days)}]}; escalation is
//             false (and rosters empty) when no escalation file is configured
//   contacts  {school, at?} whom to call about a school: {at, school_id, units: [{unit_id,
//             unit_name, kind, contacts: [{role, name, phone, email}], on_duty: [shift
//             with contact]}]}, the school first, then each unit above it up to and
//             including its district
//   handover  {since?: ISO instant (default 12 h before now), unit?} the shift hand-over:
//             {since, until, unit, counts: {opened, acknowledged, resolved, incidents,
//             still_open}, opened: [alert], acknowledged: [{id, kind, school_id,
//             school_name, by, at, comment}], resolved: [{id, kind, school_id,
//             school_name, by, at, reason, comment}], incidents: [incident facts, never
//             the summary], still_open: [alert]}, lists newest first; alert = {id, kind,
//             school_id, school_name, requirement_id, requirement_name, window_id,
//             severity, state, created_at, acknowledged_by}
//
// The hand-over reads the alerts' stored timelines (every acknowledgement and
// resolution is a timeline entry). `unit` restricts everything to a subtree (callers
// pass a leader's scope). Handlers run on a read-pool worker.
#pragma once

#include "daemon/services/control_server.h"
#include "daemon/services/query_support.h"

namespace pingan::services {

inline constexpr core::Millis kDefaultHandoverSpan = std::chrono::hours{12};

void RegisterDutyCommands(ControlServer& server, const ConsoleQueryContext& context);

}  // namespace pingan::services

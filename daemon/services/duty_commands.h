// Control commands for the people on duty, thin adapters over DutyService
// (duty_service.h) answering through duty_json.h, as the HTTP routes do:
//
//   rosters       {at?: ISO instant (default now), unit?} who holds the duty
//   contacts      {school, at?} whom to call about a school
//   handover      {since?: ISO instant (default 12 h before now), unit?} the shift
//                 summary (the sign-off itself is handover_commands.h)
//   rosters.gaps  {days?: 1..366 (default 14), unit?} holes in the rosters ahead
//                 (pinganctl rosters gaps [--days N])
//
// `unit` restricts everything to a subtree (callers pass a leader's scope). Handlers run
// on a read-pool worker.
#pragma once

#include "daemon/services/control_server.h"
#include "daemon/services/duty_service.h"

namespace pingan::services {

// `duty` outlives the server.
void RegisterDutyCommands(ControlServer& server, const DutyService& duty);

}  // namespace pingan::services

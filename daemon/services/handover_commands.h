// Control-channel commands for the shift hand-over sign-off (交接班), a thin adapter over
// HandoverService (handover_service.h), answering through the JSON view below, as the
// HTTP API does:
//
//   handover.list  {limit?}      newest first
//   handover.sign  {note, who}   the outgoing officer's note and sign-off
//   handover.ack   {id, who}     the incoming officer's acknowledgement
//
// (The shift summary itself, what happened since a time, is the "handover" command of
// duty_commands.h.) Errors and threading are the service's: handlers run on a read-pool
// worker; changes are answered with the hand-over as it will be stored.
#pragma once

#include <vector>

#include <nlohmann/json.hpp>

#include "daemon/services/control_server.h"
#include "daemon/services/handover_service.h"

namespace pingan::services {

// {id, note, signed_by, signed_at, acked_by (null until then), acked_at (null)}.
nlohmann::json HandoverJson(const store::Handover& h);
nlohmann::json HandoverListJson(const std::vector<store::Handover>& list);

// `service` outlives the server.
void RegisterHandoverCommands(ControlServer& server, const HandoverService& service);

}  // namespace pingan::services

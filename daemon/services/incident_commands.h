// Control-channel commands for the handling of incident reports (包案: a case owner,
// follow-up notes, closure): a thin adapter over IncidentService (incident_service.h),
// answering through its JSON view (incident_json.h), as the HTTP API does:
//
//   incidents        {state?: open|closed, school?, limit?}  newest first, facts and case
//                    only, never free text
//   incident.show    {id, with_text?: bool}  the same plus the case's details, its owner
//                    history and its notes; note texts and the summary only with_text
//   incident.assign  {id, owner, owner_role?, who}  names (or replaces) the case owner
//   incident.note    {id, text, who}  a follow-up note (protected text, <= 4000 bytes)
//   incident.close   {id, outcome: handled|false_report|transferred, who, comment?}
//
// Errors and threading are the service's: handlers run on a read-pool worker, several
// at once; changes are answered {"accepted": true, ...} and applied by the StoreWriter.
// incident.show does not audit (see IncidentService::Details).
#pragma once

#include "daemon/services/control_server.h"
#include "daemon/services/incident_service.h"

namespace pingan::services {

// `service` outlives the server.
void RegisterIncidentCommands(ControlServer& server, const IncidentService& service);

}  // namespace pingan::services

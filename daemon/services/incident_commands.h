// Control-channel commands for the handling of incident reports (包案: a case owner,
// follow-up notes, closure), shared by pinganctl and the HTTP API:
//
//   incidents        {state?: open|closed, school?, limit?}  newest first, facts and case
//                    only, never free text
//   incident.show    {id, with_text?: bool}  the same plus the case's details, its owner
//                    history and its notes; note texts and the summary only with_text
//   incident.assign  {id, owner, owner_role?, who}  names (or replaces) the case owner
//   incident.note    {id, text, who}  a follow-up note (protected text, <= 4000 bytes)
//   incident.close   {id, outcome: handled|false_report|transferred, who, comment?}
//
// Errors: not_found (no incident report with that id), refused (the case is closed),
// bad_request (missing or malformed arguments). Reads lease a read-only connection from
// the shared pool. Changes are checked at once against the current rows and answered
// {"accepted": true, ...}; the StoreWriter thread then applies them again to the rows
// as they are then, with an audit entry ("incident.assign", "incident.note",
// "incident.close"; never the note text), in one transaction.
//
// incident.show does not audit: a caller that shows note texts or the summary to a
// person must check that person's scope first and audit the read (the HTTP route does).
// Handlers run on a read-pool worker, several at once.
#pragma once

#include <string>

#include "daemon/config/schedule_bundle.h"
#include "daemon/core/clock.h"
#include "daemon/services/control_server.h"
#include "daemon/store/read_connections.h"
#include "daemon/store/store_writer.h"

namespace pingan::services {

// Longest follow-up note or closing comment, in bytes of UTF-8.
inline constexpr size_t kMaxNoteBytes = 4000;
// Longest case owner name or role, in bytes of UTF-8.
inline constexpr size_t kMaxOwnerBytes = 200;

struct IncidentCommandContext {
  const core::Clock& clock;
  store::ReadPool reads;  // read-only connections, shared
  store::StoreWriter& writer;
  const config::ScheduleSource& schedules;
  // incident_text_retention_days: notes share their incident summary's purge date.
  core::Millis text_retention;
};

void RegisterIncidentCommands(ControlServer& server, const IncidentCommandContext& context);

}  // namespace pingan::services

// Control-channel commands for administration and exports (pinganctl users list, keys,
// schools import, export), thin adapters over AdminService (admin_service.h) answering
// through its JSON views (admin_json.h), as the HTTP API's admin routes do:
//
//   users.list      {}  -> [{name, role, scope, disabled, created_at}] as stored
//   keys.list       {}  -> [{school_id, school_name, in_org, public_key, fingerprint,
//                           enrolled_at}]
//   keys.enroll     {school, public_key, actor?} -> {school_id, fingerprint, replaced,
//                   previous_fingerprint?, unchanged}
//   keys.revoke     {school, actor?} -> {school_id, fingerprint, revoked: true, note}
//   schools.import  {csv, dry_run?, file?, actor?} -> {applied, dry_run, added, updated,
//                   unchanged, added_ids, updated_ids, errors: [{line, column, message}]}
//   export.ledger   {from, to, unit?, scope?} -> {csv, rows, from, to}
//   backup          {path, force?, actor?} -> see backup_command.h
//
// `actor` names who asked in the audit log ("control" when absent). The changes
// (keys.enroll, keys.revoke, schools.import) are registered with RegisterChange: they
// are answered once the writer ran their audit entries. Handlers run on a read-pool
// worker. users.add, users.passwd, users.disable and tokens.create are registered by the
// HTTP API's wiring (app/http_api.h), where the AuthService lives.
#pragma once

#include "daemon/services/admin_service.h"
#include "daemon/services/control_server.h"

namespace pingan::services {

// `admin` outlives the server.
void RegisterAdminCommands(ControlServer& server, const AdminService& admin);

}  // namespace pingan::services

// Control-channel commands for administration and exports (pinganctl users list, keys,
// schools import, export; the HTTP API's admin routes run the same commands):
//
//   users.list      {}  -> [{name, role, scope, disabled, created_at}] as stored (a
//                   change made a moment ago shows once the writer ran it: milliseconds)
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
// `actor` names who asked in the audit log (the HTTP routes pass the signed-in user or
// token; "control" otherwise). Key changes and imports take effect at once: the ZAP
// handler is reloaded (on_keys_changed) and the new schedule is swapped into the
// ScheduleSource. A connection already open with a revoked or replaced key stays open,
// but every report on it is refused (KEY_REVOKED) from the reload on.
// Audit entries are written by the StoreWriter thread. Handlers run on a read-pool worker.
#pragma once

#include <functional>
#include <string>

#include "daemon/config/schedule_bundle.h"
#include "daemon/core/clock.h"
#include "daemon/services/backup_command.h"
#include "daemon/services/control_server.h"
#include "daemon/store/read_connections.h"
#include "daemon/store/store_writer.h"

namespace pingan::services {

struct AdminCommandContext {
  const core::Clock& clock;       // the daemon's clock (a drill clock in drills): exports
  const core::Clock& wall_clock;  // real time: audit entries, names of revoked key files
  store::ReadPool reads;          // read-only connections, shared
  store::StoreWriter& writer;
  config::ScheduleSource& schedules;
  std::string school_keys;                // key directory (or list file), config `school_keys`
  std::string imported_schools;           // <data_dir>/schools.imported.csv
  std::function<void()> on_keys_changed;  // reload the ZAP handler's keys
  BackupSources backup = {};              // the database and what it leaves out
};

void RegisterAdminCommands(ControlServer& server, const AdminCommandContext& context);

}  // namespace pingan::services

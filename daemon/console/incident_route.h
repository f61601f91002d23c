// Routes that read stored records directly: GET /api/v1/incidents/{report_id} (the
// facts of an incident report; its protected summary only for roles allowed to read
// it, each read written to the audit log) and GET /api/v1/audit (the audit log, newest
// first). Each request opens a read-only connection (WAL: beside the writer). Handlers
// run on the io thread.
#pragma once

#include <functional>
#include <string>

#include "daemon/console/auth.h"
#include "daemon/console/router.h"

namespace pingan::console {

using VisibleFn = std::function<bool(const Principal&, const std::string& school_id)>;

void AddRecordRoutes(Router& router, AuthService& auth, const std::string& database_path,
                     VisibleFn visible);

}  // namespace pingan::console

// Control commands behind the duty console's school pages, thin adapters over
// SchoolService (school_service.h) answering through school_json.h, as the HTTP routes
// do:
//
//   schools      {unit?, q?, limit? (default 200)} the schools of the unit's subtree
//   school.show  {id, days? (1..366, default 30)} one school's page
//
// Callers scope leaders. Handlers run on a read-pool worker.
#pragma once

#include "daemon/services/control_server.h"
#include "daemon/services/school_service.h"

namespace pingan::services {

// `schools` outlives the server.
void RegisterSchoolCommands(ControlServer& server, const SchoolService& schools);

}  // namespace pingan::services

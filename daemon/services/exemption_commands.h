// Control-channel commands for dated exemptions (免报): a thin adapter over
// ExemptionService (exemption_service.h), answering through its JSON view
// (exemption_json.h), as the HTTP API does:
//
//   exemptions         {all?: bool, limit?}  newest first; withdrawn ones only with all
//   exemption.add      {from, to, scope, requirements?: "a,b" | [ids], reason, who}
//   exemption.withdraw {id, who}
//
// Errors and threading are the service's: handlers run on a read-pool worker; changes
// are answered with the exemption as it will be stored and applied by the StoreWriter.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "daemon/services/control_server.h"
#include "daemon/services/exemption_service.h"

namespace pingan::services {

// A list of requirement ids given as a JSON array of texts or as one comma-separated
// text (what pinganctl sends); empty when absent. bad_request otherwise.
std::vector<std::string> RequirementListArg(const nlohmann::json& args, const char* key);

// `service` outlives the server.
void RegisterExemptionCommands(ControlServer& server, const ExemptionService& service);

}  // namespace pingan::services

// The one JSON view of exemptions (免报), for the control commands and the HTTP routes
// alike:
//
//   {id, from, to, scope: {id, name}, requirements: [{id, name}], reason, created_by,
//    created_at, withdrawn_by, withdrawn_at, state: in_force | ahead | past | withdrawn}
//
// `state` is judged on the local date of `now` in the organisation's zone: in_force
// when that date lies in from..to. Times are UTC text. Pure functions over values; any
// thread.
#pragma once

#include <vector>

#include <nlohmann/json.hpp>

#include "daemon/config/schedule_bundle.h"
#include "daemon/core/exemption.h"

namespace pingan::services {

// `names` (may be null) names the scope unit and the requirements.
nlohmann::json ExemptionJson(const core::Exemption& e, const config::ScheduleBundle* names,
                             core::Instant now);
nlohmann::json ExemptionListJson(const std::vector<core::Exemption>& list,
                                 const config::ScheduleBundle* names, core::Instant now);

}  // namespace pingan::services

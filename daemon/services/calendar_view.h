// How calendar.show presents a requirement: who owes what by when, in the terms of the
// configuration (kinds and tags of `during`, the recurrence rule, the day offset of the
// deadline, the shift) for the console's calendar page and `pinganctl calendar show`.
// Pure function; safe on any thread.
#pragma once

#include <nlohmann/json.hpp>

#include "daemon/core/requirement.h"

namespace pingan::services {

// {id, name, kind, scope, disabled, grace, raise_late_alert, during: [kinds and tags],
//  days, recurrence, shift, deadlines: ["HH:MM"], due_day_offset, due_day, due_time,
//  covers, remind_before}; keys that do not apply to the kind are left out.
nlohmann::json RequirementJson(const core::Requirement& r);

}  // namespace pingan::services

// The duty room's action queue (待办): the unresolved alerts in the order a duty officer
// works through them. Open alerts first — nobody has taken them yet — ranked by
// severity (I before IV; alerts without a severity, the missed and late reports, after
// every graded incident), then by kind (incident, missing, late), then by age (the
// longest waiting first); then the acknowledged ones, being handled, in the same order.
//
// Pure functions over values: no I/O, no clock. Safe on any thread.
#pragma once

#include <vector>

#include "daemon/core/alert.h"

namespace pingan::core {

// True when `x` comes before `y` in the queue (a strict total order: the id breaks
// ties, so every reader sees the same queue).
bool QueueBefore(const Alert& x, const Alert& y);

// The unresolved alerts of `alerts`, in queue order.
std::vector<Alert> ActionQueue(std::vector<Alert> alerts);

}  // namespace pingan::core

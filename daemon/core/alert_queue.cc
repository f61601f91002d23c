#include "daemon/core/alert_queue.h"

#include <algorithm>
#include <tuple>

namespace pingan::core {
namespace {

// Lower ranks first. An incident's severity grade (I = 1 .. IV = 4) is what the national grading
// says about urgency; an alert without one (a missed or late report) ranks after grade IV.
int SeverityRank(const Alert& a) {
  return a.severity ? static_cast<int>(*a.severity) : 5;
}

// A missing report is silence (nobody knows whether the school is safe); a late one
// has already arrived.
int KindRank(AlertKind kind) {
  switch (kind) {
    case AlertKind::kIncident:
      return 0;
    case AlertKind::kMissing:
      return 1;
    case AlertKind::kLate:
      return 2;
  }
  return 3;
}

using QueueKey = std::tuple<bool, int, int, Instant, const std::string&>;

QueueKey Key(const Alert& a) {
  return QueueKey(a.state != AlertState::kOpen, SeverityRank(a), KindRank(a.kind), a.created_at,
                  a.id);
}

}  // namespace

bool QueueBefore(const Alert& x, const Alert& y) {
  return Key(x) < Key(y);
}

std::vector<Alert> ActionQueue(std::vector<Alert> alerts) {
  std::erase_if(alerts, [](const Alert& a) { return a.state == AlertState::kResolved; });
  std::sort(alerts.begin(), alerts.end(), QueueBefore);
  return alerts;
}

}  // namespace pingan::core

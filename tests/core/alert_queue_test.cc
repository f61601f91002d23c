// The action queue's order: what a duty officer must do first comes first. Found in a
// holiday drill: alerts sorted only by time put a missed report above a severity-II
// incident.
#include "daemon/core/alert_queue.h"

#include <gtest/gtest.h>

namespace pingan::core {
namespace {

const Instant kT0 = FromUnixMillis(1'780'000'000'000);

Alert Incident(std::string id, Severity severity, int minutes_after) {
  Alert a = NewMissingAlert(std::move(id), "s", "", "", kT0 + std::chrono::minutes{minutes_after});
  a.kind = AlertKind::kIncident;
  a.severity = severity;
  return a;
}

Alert Window(AlertKind kind, std::string id, int minutes_after) {
  const Instant at = kT0 + std::chrono::minutes{minutes_after};
  return kind == AlertKind::kLate ? NewLateAlert(std::move(id), "s", "daily", "w", at)
                                  : NewMissingAlert(std::move(id), "s", "daily", "w", at);
}

std::vector<std::string> Ids(const std::vector<Alert>& alerts) {
  std::vector<std::string> out;
  for (const Alert& a : alerts) out.push_back(a.id);
  return out;
}

TEST(AlertQueueTest, SeverityThenKindThenTheLongestWaitingFirst) {
  const std::vector<Alert> queue = ActionQueue({
      Window(AlertKind::kLate, "late", 0),
      Window(AlertKind::kMissing, "missing-new", 30),
      Incident("iv", Severity::kIV, 0),
      Window(AlertKind::kMissing, "missing-old", 10),
      Incident("ii", Severity::kII, 50),
      Incident("i", Severity::kI, 60),
      Incident("ii-older", Severity::kII, 40),
  });
  EXPECT_EQ(Ids(queue), (std::vector<std::string>{"i", "ii-older", "ii", "iv", "missing-old",
                                                  "missing-new", "late"}));
}

TEST(AlertQueueTest, TakenAlertsFollowTheOpenOnesAndResolvedOnesLeave) {
  Alert taken = Incident("taken-i", Severity::kI, 0);
  taken.state = AlertState::kAcknowledged;
  Alert done = Incident("done-i", Severity::kI, 0);
  done.state = AlertState::kResolved;
  const std::vector<Alert> queue = ActionQueue({taken, done, Window(AlertKind::kLate, "late", 90)});
  EXPECT_EQ(Ids(queue), (std::vector<std::string>{"late", "taken-i"}));
}

TEST(AlertQueueTest, TiesAreBrokenByIdSoEveryReaderSeesOneOrder) {
  const Alert b = Window(AlertKind::kMissing, "b", 0);
  const Alert a = Window(AlertKind::kMissing, "a", 0);
  EXPECT_TRUE(QueueBefore(a, b));
  EXPECT_FALSE(QueueBefore(b, a));
  EXPECT_FALSE(QueueBefore(a, a));
}

}  // namespace
}  // namespace pingan::core

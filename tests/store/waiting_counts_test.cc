// CountWaiting over a real database: every kind and state listed, zeros included, and
// resolved alerts not counted.
#include "daemon/store/waiting_counts.h"

#include <gtest/gtest.h>

#include "daemon/store/alert_repository.h"
#include "tests/fakes/temp_dir.h"

namespace pingan::store {
namespace {

const core::Instant kT0 = core::FromUnixMillis(1'780'000'000'000);

TEST(WaitingCountsTest, CountsUnresolvedAlertsByKindAndStateAndListsZeros) {
  ::pingan::testing::TempDir dir;
  Database db(dir.File("pingan.db"));
  AlertRepository alerts(db);
  alerts.Insert(core::NewMissingAlert("m1", "s1", "daily", "w1", kT0));
  alerts.Insert(core::NewMissingAlert("m2", "s2", "daily", "w1", kT0));
  alerts.Insert(core::NewLateAlert("l1", "s3", "daily", "w1", kT0));
  alerts.Insert(core::NewMissingAlert("m3", "s3", "daily", "w1", kT0));
  auto acked = core::Acknowledge(*alerts.Find("m3"), "duty", "on it", kT0, std::chrono::hours{1});
  alerts.Save(std::get<core::Alert>(acked));
  auto resolved =
      core::Resolve(*alerts.Find("m2"), core::ResolveReason::kHandled, "duty", "ok", kT0);
  alerts.Save(std::get<core::Alert>(resolved));

  const WaitingCounts counts = CountWaiting(db);
  ASSERT_EQ(counts.alerts.size(), 6u) << "three kinds times open and acknowledged";
  auto count = [&](core::AlertKind kind, core::AlertState state) {
    for (const auto& a : counts.alerts) {
      if (a.kind == kind && a.state == state) return a.count;
    }
    return int64_t{-1};
  };
  EXPECT_EQ(count(core::AlertKind::kMissing, core::AlertState::kOpen), 1);
  EXPECT_EQ(count(core::AlertKind::kMissing, core::AlertState::kAcknowledged), 1);
  EXPECT_EQ(count(core::AlertKind::kLate, core::AlertState::kOpen), 1);
  EXPECT_EQ(count(core::AlertKind::kIncident, core::AlertState::kOpen), 0);
  ASSERT_EQ(counts.outbox.size(), 2u);
  EXPECT_EQ(counts.outbox[0].state, core::OutboxStatus::kPending);
  EXPECT_EQ(counts.outbox[0].count, 0);
  EXPECT_EQ(counts.outbox[1].state, core::OutboxStatus::kLeased);
}

}  // namespace
}  // namespace pingan::store

// core::WallOrder: open incidents pinned above the missed reports and never cut; the
// reports fill the rows left, and what does not fit is counted.
#include "daemon/core/wall_order.h"

#include <gtest/gtest.h>

namespace pingan::core {
namespace {

using namespace std::chrono_literals;
using Kind = WallItem::Kind;

const Instant kT0 = FromUnixMillis(1'780'000'000'000);

WallItem Incident(std::string id, int severity, bool flagged, Instant since) {
  return {Kind::kIncident, std::move(id), severity, flagged, since};
}
WallItem Report(Kind kind, std::string id, Instant since) {
  return {kind, std::move(id), 0, false, since};
}

std::vector<std::string> Ids(const WallLayout& layout) {
  std::vector<std::string> out;
  for (const WallItem& w : layout.rows) out.push_back(w.id);
  return out;
}

TEST(WallOrderTest, IncidentsArePinnedAboveOlderReportsBySeverityThenFlagThenAge) {
  const WallLayout layout =
      WallOrder({Report(Kind::kMissing, "m-old", kT0 - 5h), Incident("iii-new", 3, false, kT0),
                 Incident("iii-flagged", 3, true, kT0), Report(Kind::kLate, "l", kT0 - 6h),
                 Incident("i", 1, false, kT0 + 1h), Incident("iii-old", 3, false, kT0 - 1h)},
                10);
  EXPECT_EQ(Ids(layout),
            (std::vector<std::string>{"i", "iii-flagged", "iii-old", "iii-new", "m-old", "l"}));
  EXPECT_EQ(layout.incidents, 4u);
  EXPECT_EQ(layout.reports, 2u);
  EXPECT_EQ(layout.more_reports, 0u);
}

TEST(WallOrderTest, AMorningOfMissingReportsNeverPushesAnIncidentOff) {
  // The case of issue 13: twelve rows, many older missing reports, one severity-III
  // incident flagged for leaders.
  std::vector<WallItem> items;
  for (int i = 0; i < 40; ++i) {
    items.push_back(Report(Kind::kMissing, "m" + std::to_string(i), kT0 - std::chrono::hours(i)));
  }
  items.push_back(Incident("flagged", 3, true, kT0 + 2h));
  const WallLayout layout = WallOrder(items, 12);
  ASSERT_EQ(layout.rows.size(), 12u);
  EXPECT_EQ(layout.rows[0].id, "flagged");
  EXPECT_EQ(layout.rows[1].id, "m39") << "then the longest waiting";
  EXPECT_EQ(layout.incidents, 1u);
  EXPECT_EQ(layout.reports, 40u);
  EXPECT_EQ(layout.more_reports, 29u) << "what does not fit is counted";
}

TEST(WallOrderTest, IncidentsAreShownEvenBeyondTheRows) {
  std::vector<WallItem> items;
  for (int i = 0; i < 5; ++i) items.push_back(Incident("i" + std::to_string(i), 4, false, kT0));
  items.push_back(Report(Kind::kMissing, "m", kT0));
  const WallLayout layout = WallOrder(items, 3);
  EXPECT_EQ(layout.rows.size(), 5u);
  EXPECT_EQ(layout.incidents, 5u);
  EXPECT_EQ(layout.more_reports, 1u);
}

TEST(WallOrderTest, MissingComesBeforeLateAndNothingIsEmpty) {
  const WallLayout layout =
      WallOrder({Report(Kind::kLate, "late", kT0 - 9h), Report(Kind::kMissing, "miss", kT0)}, 5);
  EXPECT_EQ(Ids(layout), (std::vector<std::string>{"miss", "late"}));
  const WallLayout empty = WallOrder({}, 5);
  EXPECT_TRUE(empty.rows.empty());
  EXPECT_EQ(empty.incidents + empty.reports + empty.more_reports, 0u);
}

}  // namespace
}  // namespace pingan::core

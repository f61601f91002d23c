#include "daemon/store/activity_queries.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "daemon/core/alert.h"
#include "daemon/store/alert_repository.h"
#include "daemon/store/database.h"
#include "daemon/store/report_repository.h"
#include "tests/fakes/temp_dir.h"

namespace pingan::store {
namespace {

using namespace std::chrono_literals;

const core::Instant kT0 = core::FromUnixMillis(1'790'000'000'000);

class ActivityQueriesTest : public ::testing::Test {
 protected:
  ActivityQueriesTest() : db_(dir_.File("pingan.db")), alerts_(db_) {}

  void Insert(const std::string& id, core::Instant at) {
    ASSERT_TRUE(alerts_.Insert(core::NewMissingAlert(id, "s-" + id, "daily", "w", at)));
  }
  void Apply(const core::AlertResult& result) { alerts_.Save(std::get<core::Alert>(result)); }

  testing::TempDir dir_;
  Database db_;
  AlertRepository alerts_;
};

TEST_F(ActivityQueriesTest, AlertsWithAnythingToSaySinceAnInstant) {
  const core::Instant since = kT0 + 10h;
  Insert("resolved-before", kT0);
  Apply(core::Resolve(*alerts_.Find("resolved-before"), core::ResolveReason::kHandled, "a", "x",
                      kT0 + 1h));
  Insert("open-old", kT0);
  Insert("acked-since", kT0);
  Apply(core::Acknowledge(*alerts_.Find("acked-since"), "a", "x", kT0 + 11h, 0h));
  Apply(core::Resolve(*alerts_.Find("acked-since"), core::ResolveReason::kHandled, "a", "x",
                      kT0 + 11h));
  Insert("resolved-since", kT0);
  Apply(core::Resolve(*alerts_.Find("resolved-since"), core::ResolveReason::kFalseAlarm, "a", "x",
                      kT0 + 12h));
  Insert("new", kT0 + 13h);
  Apply(core::Resolve(*alerts_.Find("new"), core::ResolveReason::kHandled, "a", "x", kT0 + 14h));
  std::vector<std::string> ids = AlertIdsActiveSince(db_, since);
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, (std::vector<std::string>{"acked-since", "new", "open-old", "resolved-since"}));
}

TEST_F(ActivityQueriesTest, IncidentReportsByArrivalThroughTheirAlerts) {
  ReportRepository reports(db_, 24h);
  for (int i = 0; i < 3; ++i) {
    core::Report r;
    r.report_id = "incident-" + std::to_string(i);
    r.school_id = "s1";
    r.kind = core::ReportKind::kIncident;
    r.covers = date::year{2026} / 10 / 3;
    r.incident = core::Incident{};
    const core::Instant at = kT0 + std::chrono::hours{i};
    reports.Insert({r, at});
    alerts_.Insert(std::get<core::Alert>(core::NewIncidentAlert("alert-" + r.report_id, r, at)));
  }
  Insert("a-missing-alert", kT0 + 1h);
  EXPECT_EQ(IncidentReportIdsReceived(db_, kT0 + 1h, kT0 + 3h),
            (std::vector<std::string>{"incident-1", "incident-2"}))
      << "from inclusive, to exclusive; only incidents";
  EXPECT_TRUE(IncidentReportIdsReceived(db_, kT0 + 3h, kT0 + 4h).empty());

  const std::vector<StoredReport> rows = IncidentReportsReceived(db_, kT0 + 1h, kT0 + 3h);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].report.report_id, "incident-1");
  EXPECT_EQ(rows[1].report.report_id, "incident-2");
  EXPECT_EQ(rows[1].received_at, kT0 + 2h);
  EXPECT_TRUE(rows[0].report.incident.has_value());
}

}  // namespace
}  // namespace pingan::store

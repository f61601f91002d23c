#include "daemon/store/period_queries.h"

#include <gtest/gtest.h>

#include "daemon/store/alert_repository.h"
#include "daemon/store/incident_case_repository.h"
#include "daemon/store/report_repository.h"
#include "tests/fakes/temp_dir.h"

namespace pingan::store {
namespace {

using namespace std::chrono_literals;

const core::Instant kT0 = core::FromUnixMillis(1'790'000'000'000);

TEST(PeriodQueriesTest, AlertsRaisedInTheSpanWithTheirIncidentFactsAndCaseClosing) {
  testing::TempDir dir;
  Database db(dir.File("pingan.db"));
  AlertRepository alerts(db);
  ASSERT_TRUE(alerts.Insert(core::NewMissingAlert("before", "s1", "daily", "w0", kT0 - 1h)));
  ASSERT_TRUE(alerts.Insert(core::NewMissingAlert("missing", "s1", "daily", "w1", kT0)));
  alerts.Save(std::get<core::Alert>(
      core::Acknowledge(*alerts.Find("missing"), "duty", "", kT0 + 10min, 0h)));
  alerts.Save(std::get<core::Alert>(core::Resolve(
      *alerts.Find("missing"), core::ResolveReason::kHandled, "duty", "ok", kT0 + 50min)));
  core::Report r;
  r.report_id = "fire-1";
  r.school_id = "s2";
  r.kind = core::ReportKind::kIncident;
  r.covers = date::year{2026} / 10 / 3;
  r.incident = core::Incident{};
  r.incident->category = core::IncidentCategory::kFire;
  r.incident->severity = core::Severity::kII;
  r.incident->summary = "protected";
  ReportRepository(db, 24h).Insert({r, kT0 + 1h});
  ASSERT_TRUE(alerts.Insert(std::get<core::Alert>(core::NewIncidentAlert("fire", r, kT0 + 1h))));
  IncidentCaseRepository cases(db, 24h);
  ASSERT_EQ(cases.Close("fire-1", CaseOutcome::kHandled, "leader", "", kT0 + 3h),
            CaseChange::kDone);
  ASSERT_TRUE(alerts.Insert(core::NewLateAlert("after", "s1", "daily", "w2", kT0 + 5h)));

  const std::vector<RaisedAlert> got = AlertsRaisedBetween(db, kT0, kT0 + 5h);
  ASSERT_EQ(got.size(), 2u) << "from inclusive, to exclusive";
  EXPECT_EQ(got[0].kind, core::AlertKind::kMissing);
  EXPECT_EQ(got[0].school_id, "s1");
  EXPECT_EQ(got[0].acknowledged_at, kT0 + 10min);
  EXPECT_EQ(got[0].resolved_at, kT0 + 50min);
  EXPECT_FALSE(got[0].category.has_value());
  EXPECT_EQ(got[1].kind, core::AlertKind::kIncident);
  EXPECT_EQ(got[1].created_at, kT0 + 1h);
  EXPECT_EQ(got[1].category, core::IncidentCategory::kFire);
  EXPECT_EQ(got[1].severity, core::Severity::kII);
  EXPECT_FALSE(got[1].acknowledged_at.has_value());
  EXPECT_EQ(got[1].case_closed_at, kT0 + 3h);
}

}  // namespace
}  // namespace pingan::store

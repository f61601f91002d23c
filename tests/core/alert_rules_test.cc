#include "daemon/core/alert_rules.h"

#include <gtest/gtest.h>

#include "daemon/core/escalation_engine.h"
#include "daemon/core/local_time.h"

namespace pingan::core {
namespace {

using namespace std::chrono_literals;

Instant At(int day, int hour, int minute) {
  return Instant{date::sys_days{date::year{2026} / 10 / day}.time_since_epoch() +
                 std::chrono::hours{hour} + std::chrono::minutes{minute}};
}

Alert ResolvedAndNotified() {
  Alert a;
  a.state = AlertState::kResolved;
  a.created_at = At(1, 10, 0);
  a.resolved_at = At(1, 12, 0);
  a.notified = {NotifiedRecipient{{}, {}, At(1, 10, 30)}};
  a.timeline = {{At(1, 10, 30), "system", "notified", ""}, {At(1, 12, 0), "王五", "resolved", ""}};
  return a;
}

TEST(ResolutionNoticesOwed, OwedAfterResolvingAnAlertPeopleWereToldAbout) {
  Alert a = ResolvedAndNotified();
  EXPECT_TRUE(ResolutionNoticesOwed(a));
  EXPECT_EQ(EscalationWakeup(a), At(1, 12, 0));
  a.timeline.push_back({At(1, 12, 1), "system", "notified", ""});
  EXPECT_FALSE(ResolutionNoticesOwed(a)) << "notices already queued";
  EXPECT_FALSE(EscalationWakeup(a).has_value());
}

TEST(ResolutionNoticesOwed, ALateAlertOwesNone) {
  Alert a = ResolvedAndNotified();
  a.kind = AlertKind::kLate;  // the report is in: nobody waits to hear it was seen
  EXPECT_FALSE(ResolutionNoticesOwed(a));
  EXPECT_FALSE(EscalationWakeup(a).has_value());
}

TEST(ResolutionNoticesOwed, NothingOwedWhenNobodyWasToldOrTheAlertIsOpen) {
  Alert a = ResolvedAndNotified();
  a.notified.clear();
  EXPECT_FALSE(ResolutionNoticesOwed(a));
  EXPECT_FALSE(EscalationWakeup(a).has_value());
  Alert open = ResolvedAndNotified();
  open.state = AlertState::kOpen;
  open.resolved_at.reset();
  EXPECT_FALSE(ResolutionNoticesOwed(open));
}

TEST(EscalationWakeup, AnUnresolvedAlertWakesAtItsNextEscalationStep) {
  Alert a;
  a.created_at = At(1, 10, 0);
  EXPECT_EQ(EscalationWakeup(a), NextWakeup(a));
  EXPECT_TRUE(EscalationWakeup(a).has_value()) << "a new alert is due at creation";
}

TEST(ReportOpensAlert, OnlyAnIncidentReportOpensAnAlert) {
  Report r;
  r.kind = ReportKind::kIncident;
  EXPECT_TRUE(ReportOpensAlert(r));
  r.kind = ReportKind::kAllClear;
  EXPECT_FALSE(ReportOpensAlert(r));
  r.kind = ReportKind::kMonthlySummary;
  EXPECT_FALSE(ReportOpensAlert(r));
}

TEST(ActivePeriodKinds, NamesThePeriodsCoveringTheSchoolsLocalDate) {
  auto tree = std::get<OrgTree>(
      OrgTree::Build({Unit{"s1", "一小", UnitKind::kSchool, "", "", {}, false, ""}}));
  Calendar cal;
  cal.name = "c";
  cal.periods = {Period{"",
                        "国庆",
                        PeriodKind::kPublicHoliday,
                        date::year{2026} / 10 / 1,
                        date::year{2026} / 10 / 7,
                        "",
                        "",
                        {}},
                 Period{"",
                        "活动",
                        PeriodKind::kMajorEvent,
                        date::year{2026} / 10 / 8,
                        date::year{2026} / 10 / 8,
                        "",
                        "",
                        {}}};
  const date::time_zone* tz = FindTimeZone("Asia/Shanghai");
  ASSERT_NE(tz, nullptr);
  EXPECT_EQ(ActivePeriodKinds(tree, {cal}, *tz, "s1", At(7, 15, 59)),
            std::vector<std::string>{"public_holiday"});
  // 00:30 on the 8th in Shanghai is still the 7th in UTC: the local date decides.
  EXPECT_EQ(ActivePeriodKinds(tree, {cal}, *tz, "s1", At(7, 16, 30)),
            std::vector<std::string>{"major_event"});
  EXPECT_TRUE(ActivePeriodKinds(tree, {cal}, *tz, "nobody", At(7, 16, 30)).empty());
}

}  // namespace
}  // namespace pingan::core

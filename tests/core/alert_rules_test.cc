#include "daemon/core/alert_rules.h"

#include <gtest/gtest.h>

#include "daemon/core/escalation_engine.h"
#include "daemon/core/local_time.h"
#include "daemon/core/window.h"

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

Period MakePeriod(std::string name, PeriodKind kind, date::year_month_day first,
                  date::year_month_day last, std::vector<std::string> tags = {}) {
  Period p;
  p.name = std::move(name);
  p.kind = kind;
  p.first = first;
  p.last = last;
  p.tags = std::move(tags);
  return p;
}

OrgTree OneSchool() {
  return std::get<OrgTree>(
      OrgTree::Build({Unit{"s1", "一小", UnitKind::kSchool, "", "", {}, false, ""}}));
}

TEST(ActivePeriodKinds, NamesThePeriodsCoveringTheDay) {
  const OrgTree tree = OneSchool();
  Calendar cal;
  cal.name = "c";
  cal.periods = {MakePeriod("国庆", PeriodKind::kPublicHoliday, date::year{2026} / 10 / 1,
                            date::year{2026} / 10 / 7),
                 MakePeriod("活动", PeriodKind::kMajorEvent, date::year{2026} / 10 / 8,
                            date::year{2026} / 10 / 8, {"会议"})};
  EXPECT_EQ(ActivePeriodKinds(tree, {cal}, "s1", date::sys_days{date::year{2026} / 10 / 7}),
            std::vector<std::string>{"public_holiday"});
  EXPECT_EQ(ActivePeriodKinds(tree, {cal}, "s1", date::sys_days{date::year{2026} / 10 / 8}),
            (std::vector<std::string>{"major_event", "会议"}));
  EXPECT_TRUE(
      ActivePeriodKinds(tree, {cal}, "nobody", date::sys_days{date::year{2026} / 10 / 8}).empty());
}

TEST(OwedDayOf, TheCoveredDayOrTheLastDayOfTheCoveredMonth) {
  EXPECT_EQ(OwedDayOf("2026-06-10"), date::year{2026} / 6 / 10);
  EXPECT_EQ(OwedDayOf("2026-06-10@16:00"), date::year{2026} / 6 / 10);
  EXPECT_EQ(OwedDayOf("2026-02"), date::year{2026} / 2 / 28);
  EXPECT_EQ(OwedDayOf("w1"), std::nullopt);
  EXPECT_EQ(OwedDayOf(""), std::nullopt);
  EXPECT_EQ(OwedDayOf("2026-13"), std::nullopt);
}

// The exam policy of issue 14: missing exam-night reports go to the district, other
// missing reports to the school. Exams run June 8th-10th (Shanghai).
class ExamNightPolicy : public ::testing::Test {
 protected:
  ExamNightPolicy() : tree_(OneSchool()), zone_(FindTimeZone("Asia/Shanghai")) {
    cal_.name = "season";
    cal_.periods = {MakePeriod("期末考试", PeriodKind::kMajorEvent, date::year{2026} / 6 / 8,
                               date::year{2026} / 6 / 10, {"考试"})};
    Policy exam;
    exam.id = "exam";
    exam.period_kinds = {"考试"};
    Policy school;
    school.id = "school";
    config_.policies = {exam, school};
  }

  // Local time (UTC+8) on June `day`.
  static Instant June(int day, std::chrono::minutes t) {
    return Instant{(date::sys_days{date::year{2026} / 6 / day} - 8h + t).time_since_epoch()};
  }
  static Alert Missing(std::string window_id, Instant raised) {
    return NewMissingAlert("a", "s1", "exam-night", std::move(window_id), raised);
  }
  std::string PolicyFor(const Alert& a) const {
    const Policy* p = SelectPolicy(config_, a, PolicyPeriodKinds(tree_, {cal_}, *zone_, a));
    return p != nullptr ? p->id : "";
  }

  OrgTree tree_;
  const date::time_zone* zone_;
  Calendar cal_;
  EscalationConfig config_;
};

TEST_F(ExamNightPolicy, AMissingReportTakesThePolicyOfTheDayItWasOwedFor) {
  ASSERT_NE(zone_, nullptr);
  // The night of the 10th, due 08:00 on the 11th, missed at 08:30: the exams are over
  // that morning, but the report was owed for an exam night.
  const Alert night = Missing("2026-06-10", June(11, 8h + 30min));
  EXPECT_EQ(PolicyDay(night, *zone_), date::sys_days{date::year{2026} / 6 / 10});
  EXPECT_EQ(PolicyFor(night), "exam");
  // A late alert of that window, raised on the 12th, likewise.
  Alert late = NewLateAlert("l", "s1", "exam-night", "2026-06-10@08:00", June(12, 9h));
  EXPECT_EQ(PolicyFor(late), "exam");
  // The night of the 7th, missed on the morning of the 8th (an exam day): not an exam
  // night, so the school policy.
  EXPECT_EQ(PolicyFor(Missing("2026-06-07", June(8, 8h + 30min))), "school");
}

TEST_F(ExamNightPolicy, AnIncidentTakesThePolicyOfTheLocalDayItWasRaised) {
  ASSERT_NE(zone_, nullptr);
  Report r;
  r.report_id = "r";
  r.school_id = "s1";
  r.kind = ReportKind::kIncident;
  r.covers = date::year{2026} / 6 / 10;
  r.incident = Incident{};
  // 23:30 on the 10th in Shanghai is 15:30 UTC: the local day decides.
  const Alert during = std::get<Alert>(NewIncidentAlert("i1", r, June(10, 23h + 30min)));
  EXPECT_EQ(PolicyDay(during, *zone_), date::sys_days{date::year{2026} / 6 / 10});
  EXPECT_EQ(PolicyFor(during), "exam");
  // Raised 00:30 on the 11th about the 10th: the time it is raised decides.
  const Alert after = std::get<Alert>(NewIncidentAlert("i2", r, June(11, 30min)));
  EXPECT_EQ(PolicyFor(after), "school");
}

TEST_F(ExamNightPolicy, AWindowIdNamingNoDayFallsBackToTheDayTheAlertWasRaised) {
  ASSERT_NE(zone_, nullptr);
  EXPECT_EQ(PolicyFor(Missing("w1", June(9, 9h))), "exam");
  EXPECT_EQ(PolicyFor(Missing("w1", June(11, 9h))), "school");
}

}  // namespace
}  // namespace pingan::core

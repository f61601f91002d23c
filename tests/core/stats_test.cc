#include "daemon/core/stats.h"

#include <gtest/gtest.h>

#include "tests/core/schedule_fixture.h"

namespace pingan::core {
namespace {

using namespace std::chrono_literals;
using date::October;
using testing::MakeTree;
using L = LedgerStatus;

constexpr date::year_month_day kDay12 = date::year{2026} / October / 12;
constexpr date::year_month_day kDay13 = date::year{2026} / October / 13;
constexpr date::year_month_day kDay14 = date::year{2026} / October / 14;
// The drill's now: 14 October 12:00 UTC; the 14th's windows end their grace at 14:00.
const Instant kNow = date::sys_days{kDay14} + 12h;

StatsEntry Row(date::year_month_day day, std::string school, std::optional<L> recorded,
               bool excused = false) {
  return {day, std::move(school), recorded, excused, date::sys_days{day} + 14h};
}

// The scripted period (tree: p / c1 / d1: s1 s2 s3(paused), d2: s4; p / c2 / b1), viewed
// from c1, 12..14 October:
//          s1        s2                   s3        s4
//   12th   on time   late                 excused   missing
//   13th   on time   nothing (missing)    excused   late
//   14th   late      nothing (pending)    excused   on time
// plus b1 (outside c1) missing on the 12th and s1 on the 11th (outside the period).
std::vector<StatsEntry> ScriptedEntries() {
  return {Row(kDay12, "s1", L::kOnTime),  Row(kDay12, "s2", L::kLate),
          Row(kDay12, "s3", {}, true),    Row(kDay12, "s4", L::kMissing),
          Row(kDay13, "s1", L::kOnTime),  Row(kDay13, "s2", {}),
          Row(kDay13, "s3", {}, true),    Row(kDay13, "s4", L::kLate),
          Row(kDay14, "s1", L::kLate),    Row(kDay14, "s2", {}),
          Row(kDay14, "s3", {}, true),    Row(kDay14, "s4", L::kOnTime),
          Row(kDay12, "b1", L::kMissing), Row(date::year{2026} / October / 11, "s1", L::kLate)};
}

StatsAlert Raised(AlertKind kind, std::string school, std::optional<Millis> ack,
                  std::optional<Millis> resolve) {
  const Instant t0 = date::sys_days{kDay12} + 15h;
  StatsAlert a{kind, std::move(school), t0, {}, {}, {}, {}, {}};
  if (ack) a.acknowledged = t0 + *ack;
  if (resolve) a.resolved = t0 + *resolve;
  return a;
}

StatsAlert Incident(std::string school, IncidentCategory c, Severity s, std::optional<Millis> ack,
                    std::optional<Millis> resolve, std::optional<Millis> closed) {
  StatsAlert a = Raised(AlertKind::kIncident, std::move(school), ack, resolve);
  a.category = c;
  a.severity = s;
  if (closed) a.case_closed = a.raised + *closed;
  return a;
}

std::vector<StatsAlert> ScriptedAlerts() {
  using C = IncidentCategory;
  return {Raised(AlertKind::kMissing, "s4", 10min, 60min),
          Raised(AlertKind::kMissing, "s2", 30min, {}),
          Raised(AlertKind::kLate, "s2", 20min, 20min),
          Incident("s1", C::kFire, Severity::kI, 4min, 30min, 120min),
          Incident("s4", C::kFire, Severity::kIII, 6min, {}, {}),
          Incident("s1", C::kFoodSafety, Severity::kIV, {}, 90min, {}),
          Incident("b1", C::kTraffic, Severity::kII, 1min, 1min, 1min)};
}

// Counts field by field (expected, on_time, late, missing, excused).
LedgerCounts Counts(size_t expected, size_t on_time, size_t late, size_t missing, size_t excused) {
  LedgerCounts c;
  c.expected = expected;
  c.on_time = on_time;
  c.late = late;
  c.missing = missing;
  c.excused = excused;
  return c;
}
void ExpectCounts(const LedgerCounts& got, const LedgerCounts& want, const std::string& what) {
  EXPECT_EQ(got.expected, want.expected) << what;
  EXPECT_EQ(got.on_time, want.on_time) << what;
  EXPECT_EQ(got.late, want.late) << what;
  EXPECT_EQ(got.missing, want.missing) << what;
  EXPECT_EQ(got.excused, want.excused) << what;
}

PeriodStats Scripted(int repeat_days = kDefaultRepeatDays) {
  return ComputeStats(MakeTree(), {kDay12, kDay14, "c1", repeat_days}, ScriptedEntries(),
                      ScriptedAlerts(), kNow);
}

TEST(StatsTest, TotalsOfTheScriptedPeriodMatchTheHandCount) {
  const PeriodStats s = Scripted();
  ExpectCounts(s.total, Counts(1, 3, 3, 2, 3), "total");
  EXPECT_DOUBLE_EQ(*s.total.OnTimeRate(), 3.0 / 8.0);
}

TEST(StatsTest, EveryDayOfThePeriodHasItsOwnCounts) {
  const PeriodStats s = Scripted();
  ASSERT_EQ(s.days.size(), 3u);
  EXPECT_EQ(s.days[0].day, kDay12);
  ExpectCounts(s.days[0].counts, Counts(0, 1, 1, 1, 1), "12th");
  ExpectCounts(s.days[1].counts, Counts(0, 1, 1, 1, 1), "13th: s2's silence is missing");
  ExpectCounts(s.days[2].counts, Counts(1, 1, 1, 0, 1), "14th: s2 still in its grace");
  EXPECT_DOUBLE_EQ(*s.days[2].counts.OnTimeRate(), 0.5);
}

TEST(StatsTest, DaysWithoutWindowsAreListedEmpty) {
  const PeriodStats s = ComputeStats(MakeTree(), {kDay12, date::year{2026} / October / 16, "c1", 2},
                                     ScriptedEntries(), {}, kNow);
  ASSERT_EQ(s.days.size(), 5u);
  ExpectCounts(s.days[4].counts, Counts(0, 0, 0, 0, 0), "16th");
  EXPECT_FALSE(s.days[4].counts.OnTimeRate().has_value());
}

TEST(StatsTest, UnitsAreTheChildrenOfTheViewedUnit) {
  const PeriodStats s = Scripted();
  ASSERT_EQ(s.units.size(), 2u);
  EXPECT_EQ(s.units[0].unit_id, "d1");
  ExpectCounts(s.units[0].counts, Counts(1, 2, 2, 1, 3), "d1");
  EXPECT_DOUBLE_EQ(*s.units[0].counts.OnTimeRate(), 0.4);
  EXPECT_EQ(s.units[1].unit_id, "d2");
  ExpectCounts(s.units[1].counts, Counts(0, 1, 1, 1, 0), "d2");
}

TEST(StatsTest, SchoolsLateOrMissingOnTwoDaysAreNamedMostDaysFirst) {
  const PeriodStats s = Scripted();
  ASSERT_EQ(s.repeated.size(), 2u) << "s1 was late on one day only";
  EXPECT_EQ(s.repeated[0].school_id, "s2");
  EXPECT_EQ(s.repeated[0].late_days, 1);
  EXPECT_EQ(s.repeated[0].missing_days, 1);
  EXPECT_EQ(s.repeated[0].days, 2);
  EXPECT_EQ(s.repeated[0].district, "d1");
  EXPECT_EQ(s.repeated[1].school_id, "s4");
  EXPECT_EQ(s.repeated[1].district, "d2");
}

TEST(StatsTest, TheRepeatThresholdIsAParameter) {
  EXPECT_TRUE(Scripted(3).repeated.empty());
  const PeriodStats once = Scripted(1);
  ASSERT_EQ(once.repeated.size(), 3u);
  EXPECT_EQ(once.repeated[2].school_id, "s1");
}

TEST(StatsTest, ADayWithTwoBadWindowsCountsOnce) {
  std::vector<StatsEntry> entries = {Row(kDay12, "s1", L::kLate), Row(kDay12, "s1", L::kMissing)};
  const PeriodStats s = ComputeStats(MakeTree(), {kDay12, kDay14, "", 2}, entries, {}, kNow);
  EXPECT_TRUE(s.repeated.empty()) << "late and missing on the same day is one bad day";
  ExpectCounts(s.total, Counts(0, 0, 1, 1, 0), "both windows count");
}

TEST(StatsTest, AlertsAreTimedPerKindWithMedians) {
  const PeriodStats s = Scripted();
  const AlertStats& missing = s.alerts.at(AlertKind::kMissing);
  EXPECT_EQ(missing.raised, 2u);
  EXPECT_EQ(missing.open, 1u);
  EXPECT_EQ(missing.to_acknowledge.median, Millis{20min}) << "median of 10 and 30 minutes";
  EXPECT_EQ(missing.to_close.count, 1u);
  EXPECT_EQ(missing.to_close.median, Millis{60min});
  EXPECT_EQ(s.alerts.at(AlertKind::kLate).to_close.median, Millis{20min});
  const AlertStats& incident = s.alerts.at(AlertKind::kIncident);
  EXPECT_EQ(incident.raised, 3u) << "b1 lies outside c1";
  EXPECT_EQ(incident.to_acknowledge.median, Millis{5min});
  EXPECT_EQ(incident.to_close.median, Millis{60min}) << "alerts: resolved after 30 and 90";
}

TEST(StatsTest, IncidentsAreCountedByCategoryAndSeverityAndClosedByTheirCase) {
  const PeriodStats s = Scripted();
  EXPECT_EQ(s.incidents.by_category.at(IncidentCategory::kFire), 2u);
  EXPECT_EQ(s.incidents.by_category.at(IncidentCategory::kFoodSafety), 1u);
  EXPECT_EQ(s.incidents.by_category.count(IncidentCategory::kTraffic), 0u);
  EXPECT_EQ(s.incidents.by_severity.at(Severity::kI), 1u);
  EXPECT_EQ(s.incidents.by_severity.at(Severity::kIII), 1u);
  EXPECT_EQ(s.incidents.by_severity.at(Severity::kIV), 1u);
  EXPECT_EQ(s.incidents.handling.raised, 3u);
  EXPECT_EQ(s.incidents.handling.open, 1u);
  // The fire's case closed after 120 minutes, the food case (none) when resolved at 90.
  EXPECT_EQ(s.incidents.handling.to_close.median, Millis{105min});
}

TEST(StatsTest, TheWholeOrganisationKeepsSchoolsNoLongerListed) {
  std::vector<StatsEntry> entries = ScriptedEntries();
  entries.push_back(Row(kDay13, "gone", L::kMissing));
  const PeriodStats all = ComputeStats(MakeTree(), {kDay12, kDay14, "", 2}, entries, {}, kNow);
  ExpectCounts(all.total, Counts(1, 3, 3, 4, 3), "c1's, b1's and the unlisted school's");
  ASSERT_EQ(all.units.size(), 2u);
  EXPECT_EQ(all.units[0].unit_id, "p");
  EXPECT_EQ(all.units[1].unit_id, "") << "no longer in the organisation";
  const PeriodStats c1 = ComputeStats(MakeTree(), {kDay12, kDay14, "c1", 2}, entries, {}, kNow);
  ExpectCounts(c1.total, Counts(1, 3, 3, 2, 3), "a unit's view leaves it out");
}

TEST(StatsTest, StatusAtFollowsTheLedgerRules) {
  EXPECT_EQ(StatusAt(Row(kDay14, "s1", {}), kNow), L::kExpected);
  EXPECT_EQ(StatusAt(Row(kDay14, "s1", {}), date::sys_days{kDay14} + 14h), L::kMissing)
      << "at grace end the window is decided";
  EXPECT_EQ(StatusAt(Row(kDay14, "s1", {}, true), kNow), L::kExcused);
  EXPECT_EQ(StatusAt(Row(kDay12, "s1", L::kExcused), kNow), L::kExcused)
      << "an exemption recorded after the sweep";
}

TEST(StatsTest, MedianOfOddAndEvenCounts) {
  EXPECT_FALSE(Median({}).has_value());
  EXPECT_EQ(Median({Millis{3}, Millis{1}, Millis{2}}), Millis{2});
  EXPECT_EQ(Median({Millis{40}, Millis{10}, Millis{30}, Millis{20}}), Millis{25});
}

}  // namespace
}  // namespace pingan::core

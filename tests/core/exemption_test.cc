#include "daemon/core/exemption.h"

#include <gtest/gtest.h>

#include "daemon/core/ledger.h"
#include "daemon/core/local_time.h"
#include "tests/core/schedule_fixture.h"

namespace pingan::core {
namespace {

using date::literals::operator""_y;
using pingan::testing::BuildOrDie;
using pingan::testing::Daily;
using pingan::testing::Ids;
using pingan::testing::MakeCalendar;
using pingan::testing::MakePeriod;
using pingan::testing::MakeTree;
using pingan::testing::Monthly;
using pingan::testing::Utc;
using std::chrono::hours;

Exemption Typhoon(date::year_month_day first, date::year_month_day last, std::string scope,
                  std::vector<std::string> requirements = {}) {
  Exemption e;
  e.id = "ex-1";
  e.first = first;
  e.last = last;
  e.scope_unit_id = std::move(scope);
  e.requirement_ids = std::move(requirements);
  e.reason = "台风停课";
  e.created_by = "duty";
  return e;
}

Window DayWindow(std::string requirement, date::year_month_day day) {
  Window w;
  w.requirement_id = std::move(requirement);
  w.window_id = FormatDate(day);
  w.covers_first = w.covers_last = day;
  return w;
}

// A daily all-clear at 16:00 local time over Oct 1-7 for the whole tree.
Schedule GoldenWeek(const OrgTree& tree) {
  return BuildOrDie(tree,
                    {MakeCalendar("cn", {MakePeriod("golden week", PeriodKind::kPublicHoliday,
                                                    2026_y / 10 / 1, 2026_y / 10 / 7)})},
                    {Daily("d", {PeriodKind::kPublicHoliday}, {TimeOfDay{hours{16}}})});
}

TEST(ExemptionTest, CoversItsFirstAndLastDayAndNothingOutside) {
  const OrgTree tree = MakeTree();
  const Exemption e = Typhoon(2026_y / 10 / 3, 2026_y / 10 / 4, "s1");
  EXPECT_FALSE(Excuses(e, tree, "s1", DayWindow("d", 2026_y / 10 / 2)));
  EXPECT_TRUE(Excuses(e, tree, "s1", DayWindow("d", 2026_y / 10 / 3)));
  EXPECT_TRUE(Excuses(e, tree, "s1", DayWindow("d", 2026_y / 10 / 4)));
  EXPECT_FALSE(Excuses(e, tree, "s1", DayWindow("d", 2026_y / 10 / 5)));
}

TEST(ExemptionTest, AUnitExcusesItsWholeSubtreeAndNothingElse) {
  const OrgTree tree = MakeTree();
  const Exemption e = Typhoon(2026_y / 10 / 3, 2026_y / 10 / 3, "d1");
  const Window w = DayWindow("d", 2026_y / 10 / 3);
  EXPECT_TRUE(Excuses(e, tree, "s1", w));
  EXPECT_TRUE(Excuses(e, tree, "s2", w));
  EXPECT_FALSE(Excuses(e, tree, "s4", w)) << "d2 is another district";
  EXPECT_FALSE(Excuses(e, tree, "b1", w));
  EXPECT_FALSE(Excuses(e, tree, "nobody", w));
  EXPECT_TRUE(Excuses(Typhoon(2026_y / 10 / 3, 2026_y / 10 / 3, "p"), tree, "n1", w));
}

TEST(ExemptionTest, ListedRequirementsOnlyAndEmptyMeansAll) {
  const OrgTree tree = MakeTree();
  const Exemption some = Typhoon(2026_y / 10 / 3, 2026_y / 10 / 3, "s1", {"daily"});
  EXPECT_TRUE(Excuses(some, tree, "s1", DayWindow("daily", 2026_y / 10 / 3)));
  EXPECT_FALSE(Excuses(some, tree, "s1", DayWindow("evening", 2026_y / 10 / 3)));
  const Exemption all = Typhoon(2026_y / 10 / 3, 2026_y / 10 / 3, "s1");
  EXPECT_TRUE(Excuses(all, tree, "s1", DayWindow("evening", 2026_y / 10 / 3)));
}

TEST(ExemptionTest, AWithdrawnExemptionExcusesNothing) {
  const OrgTree tree = MakeTree();
  Exemption e = Typhoon(2026_y / 10 / 3, 2026_y / 10 / 3, "s1");
  e.withdrawn_by = "duty";
  e.withdrawn_at = Utc(2026_y / 10 / 2, 0);
  EXPECT_FALSE(Excuses(e, tree, "s1", DayWindow("d", 2026_y / 10 / 3)));
  EXPECT_EQ(ExcusedBy({e}, tree, "s1", DayWindow("d", 2026_y / 10 / 3)), nullptr);
}

TEST(ExemptionTest, AMonthlySummaryNeedsItsWholeMonthExcused) {
  const OrgTree tree = MakeTree();
  Window month;
  month.requirement_id = "m";
  month.window_id = "2026-10";
  month.covers_first = 2026_y / 10 / 1;
  month.covers_last = 2026_y / 10 / 31;
  EXPECT_FALSE(Excuses(Typhoon(2026_y / 10 / 29, 2026_y / 10 / 31, "s1"), tree, "s1", month));
  EXPECT_TRUE(Excuses(Typhoon(2026_y / 9 / 28, 2026_y / 11 / 2, "s1"), tree, "s1", month));
}

// The covered dates are local to each school's zone: the same exemption means the same
// calendar day in Shanghai and in New York, whose deadlines are 12 hours apart.
TEST(ExemptionTest, LocalDatesOfEachZoneAreExcused) {
  const OrgTree tree = MakeTree();
  const Schedule s = GoldenWeek(tree);
  const Exemption e = Typhoon(2026_y / 10 / 3, 2026_y / 10 / 3, "p");
  for (const char* school : {"s1", "n1", "b1"}) {
    for (const Window& w : s.WindowsOn(school, 2026_y / 10 / 3)) {
      EXPECT_TRUE(Excuses(e, tree, school, w)) << school;
    }
    for (const Window& w : s.WindowsOn(school, 2026_y / 10 / 4)) {
      EXPECT_FALSE(Excuses(e, tree, school, w)) << school;
    }
  }
}

TEST(ExemptionTest, WithExemptionsMovesExcusedSchoolsToTheExcusedList) {
  const OrgTree tree = MakeTree();
  const Schedule s = GoldenWeek(tree);
  const auto due = s.GraceEndsBetween(Utc(2026_y / 10 / 3, 0), Utc(2026_y / 10 / 3, 9));
  ASSERT_EQ(due.size(), 1u);
  const DueWindow d =
      WithExemptions(due[0], {Typhoon(2026_y / 10 / 3, 2026_y / 10 / 4, "d1")}, tree);
  EXPECT_EQ(Ids(d.schools), (std::vector<std::string>{"s4"}));
  EXPECT_EQ(Ids(d.paused), (std::vector<std::string>{"s1", "s2", "s3"})) << "s3 is paused";
  // Nothing owed, nothing reminded: the sweep's own rules then do the rest.
  EXPECT_EQ(Ids(DecideSweep(d, [](std::string_view) { return false; }).missing),
            (std::vector<std::string>{"s4"}));
  EXPECT_EQ(Ids(SchoolsToRemind(d, [](std::string_view) { return false; })),
            (std::vector<std::string>{"s4"}));
}

TEST(ExemptionTest, ValidationNamesTheProblem) {
  const OrgTree tree = MakeTree();
  const std::vector<Requirement> reqs = {
      Daily("d", {PeriodKind::kPublicHoliday}, {TimeOfDay{hours{16}}}),
      Monthly("m", 30, TimeOfDay{hours{18}})};
  ExemptionRequest ok{2026_y / 10 / 3, 2026_y / 10 / 4, "d1", {"d"}, " 台风停课 "};
  EXPECT_EQ(ValidateExemption(ok, tree, reqs), std::nullopt);
  auto bad = [&](auto change) {
    ExemptionRequest r = ok;
    change(r);
    return ValidateExemption(r, tree, reqs).value_or("");
  };
  EXPECT_EQ(bad([](auto& r) { r.last = 2026_y / 10 / 2; }), "'from' must not be after 'to'");
  EXPECT_NE(bad([](auto& r) { r.last = 2027_y / 10 / 4; }).find("366 days"), std::string::npos);
  EXPECT_EQ(bad([](auto& r) { r.scope_unit_id = "x"; }), "no unit 'x'");
  EXPECT_EQ(bad([](auto& r) { r.scope_unit_id = ""; }), "a scope (school or unit) is required");
  EXPECT_EQ(bad([](auto& r) { r.requirement_ids = {"nope"}; }), "no requirement 'nope'");
  EXPECT_EQ(bad([](auto& r) {
              r.requirement_ids = {"d", "d"};
            }),
            "requirement 'd' is listed twice");
  EXPECT_EQ(bad([](auto& r) { r.reason = "  "; }), "a reason is required");
  EXPECT_EQ(bad([](auto& r) { r.reason = std::string(501, 'x'); }),
            "the reason is longer than 500 bytes");
  EXPECT_EQ(bad([](auto& r) { r.reason = "\xff"; }), "the reason is not valid UTF-8");
  EXPECT_EQ(bad([](auto& r) {
              r.first = date::year_month_day{2026_y, date::month{2}, date::day{30}};
            }),
            "the dates must be valid dates YYYY-MM-DD");
}

TEST(ExemptionTest, InForceOnTheLocalDateOfTheZone) {
  const Exemption e = Typhoon(2026_y / 10 / 3, 2026_y / 10 / 3, "s1");
  const date::time_zone& shanghai = *date::locate_zone("Asia/Shanghai");
  const date::time_zone& new_york = *date::locate_zone("America/New_York");
  // 2026-10-02T17:00Z is Oct 3, 01:00 in Shanghai and still Oct 2 in New York.
  EXPECT_TRUE(InForceOn(e, shanghai, Utc(2026_y / 10 / 2, 17)));
  EXPECT_FALSE(InForceOn(e, new_york, Utc(2026_y / 10 / 2, 17)));
  EXPECT_FALSE(InForceOn(e, shanghai, Utc(2026_y / 10 / 3, 16)));  // Oct 4, 00:00 there
}

}  // namespace
}  // namespace pingan::core

// End to end: a school season on a drill clock with the recurrence rules of issue 14
// item 3. Two districts of two schools owe a weekly report (周报) on Fridays at 17:00
// during the term, and during the exam period (a major event tagged 考试) a night
// all-clear due by 08:00 the next morning. Missing alerts go to each school's duty
// contact, except those of a day the 考试 tag covers: the exam policy (matched by tag)
// tells the district's duty room instead, one message per district per pass, also for
// the last exam night, missed the morning after the exams ended. The missing sets and
// the messages per phone must be exactly those.
#include "tests/integration/drill_org_fixture.h"

namespace pingan::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using Pairs = MissingPairs;

// Local midnight (+08:00) starting June `day`, 2026.
core::Instant June(int day, std::chrono::minutes t) {
  return date::sys_days{date::year{2026} / 6 / day} - 8h + t;
}

constexpr auto kCalendars = R"(calendars:
  - name: season
    time_zone: Asia/Shanghai
    periods:
      - {name: 夏季学期, kind: school_term, from: 2026-06-01, to: 2026-06-30}
      - {name: 期末考试, kind: major_event, tags: [考试], from: 2026-06-08, to: 2026-06-10}
requirements:
  - id: weekly
    name: 周报
    kind: daily_all_clear
    during: [school_term]
    recurrence: "FREQ=WEEKLY;BYDAY=FR"
    due_time: "17:00"
    grace: 30m
  - id: exam-night
    name: 考试夜间平安报
    kind: daily_all_clear
    during: [考试]
    deadlines: ["08:00"]
    due_day_offset: 1
    grace: 30m
)";
constexpr auto kPolicies = R"(policies:
  - id: exam
    kinds: [missing]
    periods: [考试]
    steps:
      - notify: [{contact: duty_contact, unit: district}]
        fallback: [sms]
  - id: missing
    kinds: [missing]
    steps:
      - notify: [{contact: duty_contact}]
        fallback: [sms]
)";

class SeasonDrillTest : public DrillOrgTest {
 protected:
  void SetUp() override { StartDrill({2, 2, "2026-06-05T08:00:00+08:00", kCalendars, kPolicies}); }
};

TEST_F(SeasonDrillTest, WeeklyReportNextMorningDeadlineAndAnExamPolicyMatchedByTag) {
  using date::literals::operator""_y;
  // Friday June 5th: d1s1 files its weekly report at 16:00; the others miss 17:00.
  AdvanceTo(June(5, 16h));
  Report(0, 2026_y / 6 / 5);
  AdvanceTo(June(5, 17h + 31min));
  Pairs expected;
  for (const char* s : {"d1s2", "d2s1", "d2s2"}) expected.insert({s, "weekly/2026-06-05"});
  EXPECT_EQ(MissingAlerts(), expected);
  ASSERT_TRUE(WaitForTexts(3));

  // The exam nights: d1s1 reports the night of the 8th at 07:00 on the 9th (on time for
  // the 08:00 deadline the next morning); nobody else reports any night.
  AdvanceTo(June(9, 7h));
  Report(0, 2026_y / 6 / 8);
  AdvanceTo(June(9, 8h + 31min));
  for (const char* s : {"d1s2", "d2s1", "d2s2"}) expected.insert({s, "exam-night/2026-06-08"});
  EXPECT_EQ(MissingAlerts(), expected);
  ASSERT_TRUE(WaitForTexts(5)) << "one message per district duty room";
  AdvanceTo(June(10, 8h + 31min));
  for (int d = 1; d <= 2; ++d) {
    for (int n = 1; n <= 2; ++n) expected.insert({DrillSchool(d, n), "exam-night/2026-06-09"});
  }
  EXPECT_EQ(MissingAlerts(), expected);
  ASSERT_TRUE(WaitForTexts(7));
  // The night of the 10th is missed on the 11th, after the exams: still an exam night,
  // so the exam policy (the periods of the day owed choose it, not those of the 11th).
  AdvanceTo(June(11, 8h + 31min));
  for (int d = 1; d <= 2; ++d) {
    for (int n = 1; n <= 2; ++n) expected.insert({DrillSchool(d, n), "exam-night/2026-06-10"});
  }
  EXPECT_EQ(MissingAlerts(), expected);
  ASSERT_TRUE(WaitForTexts(9));
  // Nothing is due on the days between: Thursday the 11th has no weekly report.
  AdvanceTo(June(12, 17h + 31min));
  for (int d = 1; d <= 2; ++d) {
    for (int n = 1; n <= 2; ++n) expected.insert({DrillSchool(d, n), "weekly/2026-06-12"});
  }
  EXPECT_EQ(MissingAlerts(), expected);
  ASSERT_TRUE(WaitForTexts(13));

  // Per phone: the schools hear of their weekly reports only; the district duty rooms
  // of the exam nights of the 8th, 9th and 10th, once per night.
  const auto texts = Texts();
  std::map<std::string, size_t> counts;
  for (const auto& [phone, list] : texts) counts[phone] = list.size();
  const std::map<std::string, size_t> expected_counts = {
      {DrillSchoolPhone(1, 1), 1}, {DrillSchoolPhone(1, 2), 2}, {DrillSchoolPhone(2, 1), 2},
      {DrillSchoolPhone(2, 2), 2}, {DrillDistrictPhone(1), 3},  {DrillDistrictPhone(2), 3}};
  EXPECT_EQ(counts, expected_counts);
  const auto has = [](const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
  };
  // The weekly report is named in its messages; the exam night is an all-clear (报平安).
  ASSERT_EQ(texts.at(DrillSchoolPhone(1, 2)).size(), 2u);
  EXPECT_TRUE(has(texts.at(DrillSchoolPhone(1, 2))[0], "周报"))
      << texts.at(DrillSchoolPhone(1, 2))[0];
  EXPECT_TRUE(has(texts.at(DrillSchoolPhone(1, 2))[0], "学校12"))
      << texts.at(DrillSchoolPhone(1, 2))[0];
  EXPECT_TRUE(has(texts.at(DrillSchoolPhone(1, 2))[1], "周报"))
      << texts.at(DrillSchoolPhone(1, 2))[1];
  // District 1: first d1s2 alone (d1s1 reported the 8th), then both schools, twice.
  const auto& d1 = texts.at(DrillDistrictPhone(1));
  ASSERT_EQ(d1.size(), 3u);
  EXPECT_TRUE(has(d1[0], "学校12") && !has(d1[0], "学校11")) << d1[0];
  EXPECT_TRUE(has(d1[1], "学校11") && has(d1[1], "学校12")) << d1[1];
  EXPECT_TRUE(has(d1[2], "学校11") && has(d1[2], "学校12")) << d1[2];
  const auto& d2 = texts.at(DrillDistrictPhone(2));
  ASSERT_EQ(d2.size(), 3u);
  for (const std::string& t : d2) EXPECT_TRUE(has(t, "学校21") && has(t, "学校22")) << t;
}

}  // namespace
}  // namespace pingan::testing

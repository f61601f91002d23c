// The calendar file's new rules: period tags, recurrence, shift, due_day_offset and
// due_time on daily requirements, each refused at its own line with its key; and
// escalation policies' `periods` naming tags, checked against the calendars.
#include <gtest/gtest.h>

#include "daemon/config/calendar_loader.h"
#include "daemon/config/escalation_config.h"
#include "daemon/config/policy_periods.h"
#include "tests/fakes/source_root.h"

namespace pingan::config {
namespace {

using std::chrono::hours;

const std::string kExamples = (testing::SourceRoot() / "daemon" / "config" / "examples").string();

std::variant<CalendarConfig, LoadError> Parse(const std::string& yaml) {
  return ParseCalendarConfigYaml(yaml, "cal.yaml", kExamples);
}

LoadError Err(const std::string& yaml) {
  auto v = Parse(yaml);
  if (const auto* e = std::get_if<LoadError>(&v)) return *e;
  ADD_FAILURE() << "expected an error for:\n" << yaml;
  return {};
}

CalendarConfig Ok(const std::string& yaml) {
  auto v = Parse(yaml);
  if (const auto* e = std::get_if<LoadError>(&v)) {
    ADD_FAILURE() << e->ToString();
    return {};
  }
  return std::get<CalendarConfig>(std::move(v));
}

TEST(RecurrenceConfigTest, ReadsTagsAndRecurringRequirements) {
  const CalendarConfig c = Ok(R"(calendars:
  - name: cn
    periods:
      - {name: 汛期, kind: major_event, tags: [汛期], from: 2026-06-01, to: 2026-09-30}
      - {name: 期末考试, tags: [考试], from: 2026-06-08, to: 2026-06-10}
requirements:
  - id: weekly
    kind: daily_all_clear
    during: [school_term, 汛期]
    recurrence: "FREQ=WEEKLY;BYDAY=FR"
    days: working_days
    due_time: "17:00"
  - id: night
    kind: daily_all_clear
    during: 考试
    deadlines: ["08:00"]
    due_day_offset: 1
  - id: month-end
    kind: daily_all_clear
    during: school_term
    recurrence: FREQ=MONTHLY;BYMONTHDAY=-1
    shift: previous_working_day
    deadlines: ["16:00"]
)");
  ASSERT_EQ(c.calendars.size(), 1u);
  const auto& periods = c.calendars[0].periods;
  ASSERT_EQ(periods.size(), 2u);
  EXPECT_EQ(periods[0].tags, std::vector<std::string>{"汛期"});
  EXPECT_EQ(periods[1].kind, core::PeriodKind::kOther) << "a tag-only period has no kind";
  ASSERT_EQ(c.requirements.size(), 3u);
  const core::Requirement& weekly = c.requirements[0];
  EXPECT_EQ(weekly.during, std::vector<core::PeriodKind>{core::PeriodKind::kSchoolTerm});
  EXPECT_EQ(weekly.during_tags, std::vector<std::string>{"汛期"});
  EXPECT_EQ(weekly.recurrence, "FREQ=WEEKLY;BYDAY=FR");
  EXPECT_EQ(weekly.days, core::DayFilter::kWorkingDays);
  EXPECT_EQ(weekly.deadlines, std::vector<core::TimeOfDay>{hours{17}});
  EXPECT_EQ(weekly.due_day_offset, 0);
  EXPECT_EQ(c.requirements[1].during_tags, std::vector<std::string>{"考试"});
  EXPECT_EQ(c.requirements[1].due_day_offset, 1);
  EXPECT_EQ(c.requirements[2].shift, core::DayShift::kPreviousWorkingDay);
}

TEST(RecurrenceConfigTest, BadRulesAreRefusedAtTheirLine) {
  const std::string head =
      "requirements:\n  - id: r\n    kind: daily_all_clear\n"
      "    during: school_term\n    deadlines: [\"16:00\"]\n";
  LoadError e = Err(head + "    recurrence: FREQ=WEEKLY;BYDAY=XX\n");
  EXPECT_EQ(e.line, 6);
  EXPECT_EQ(e.key, "requirements[0].recurrence");
  EXPECT_NE(e.message.find("RRULE"), std::string::npos) << e.message;

  e = Err(head + "    recurrence: FREQ=HOURLY\n");
  EXPECT_EQ(e.line, 6);
  EXPECT_NE(e.message.find("DAILY"), std::string::npos) << e.message;

  e = Err(head + "    recurrence: FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30\n");
  EXPECT_EQ(e.key, "requirements[0].recurrence");

  e = Err(head + "    shift: previous_working_day\n");
  EXPECT_EQ(e.line, 6);
  EXPECT_EQ(e.key, "requirements[0].shift");

  e = Err(head + "    recurrence: FREQ=DAILY\n    shift: sideways\n");
  EXPECT_EQ(e.line, 7);

  e = Err(head + "    due_day_offset: 8\n");
  EXPECT_EQ(e.line, 6);
  EXPECT_EQ(e.key, "requirements[0].due_day_offset");

  e = Err(head + "    due_day_offset: -1\n");
  EXPECT_EQ(e.key, "requirements[0].due_day_offset");

  e = Err(head + "    due_time: \"08:00\"\n");
  EXPECT_EQ(e.key, "requirements[0].due_time") << "due_time and deadlines both";

  e =
      Err("requirements:\n  - id: m\n    kind: monthly_summary\n    due_day: 30\n"
          "    due_time: \"17:00\"\n    recurrence: FREQ=DAILY\n");
  EXPECT_EQ(e.key, "requirements[0].recurrence") << "monthly requirements have due_day";
}

TEST(RecurrenceConfigTest, BadTagsAreRefusedAtTheirLine) {
  LoadError e =
      Err("calendars:\n  - name: cn\n    periods:\n"
          "      - {name: x, kind: major_event, from: 2026-10-01,\n"
          "         tags: [vacation]}\n");
  EXPECT_EQ(e.key, "calendars[0].periods[0].tags");
  EXPECT_EQ(e.line, 5);
  e =
      Err("calendars:\n  - name: cn\n    periods:\n"
          "      - {name: x, from: 2026-10-01, tags: [考试, 考试]}\n");
  EXPECT_EQ(e.key, "calendars[0].periods[0].tags");
  e = Err("calendars:\n  - name: cn\n    periods:\n      - {name: x, from: 2026-10-01}\n");
  EXPECT_EQ(e.key, "calendars[0].periods[0].kind") << "kind or tags";
}

TEST(RecurrenceConfigTest, PolicyPeriodsNameKindsOrKnownTags) {
  auto settings = ParseEscalationYaml(R"(policies:
  - id: exam
    kinds: [missing]
    periods: [考试]
    steps: [{notify: [{contact: duty_contact}]}]
  - id: typo
    periods:
      - public_holiday
      - 考式
    steps: [{notify: [{contact: duty_contact}]}]
)",
                                      "esc.yaml", kExamples);
  ASSERT_TRUE(std::holds_alternative<EscalationSettings>(settings))
      << std::get<LoadError>(settings).ToString();
  const CalendarConfig c =
      Ok("calendars:\n  - name: cn\n    periods:\n"
         "      - {name: 期末考试, tags: [考试], from: 2026-06-08, to: 2026-06-10}\n");
  auto e = CheckPolicyPeriods(std::get<EscalationSettings>(settings), &c.calendars);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->ToString(),
            "esc.yaml:8: policies[1].periods: '考式' is neither a period kind nor the tag of "
            "any calendar period");
  auto& s = std::get<EscalationSettings>(settings);
  s.policies.policies.pop_back();
  EXPECT_EQ(CheckPolicyPeriods(s, &c.calendars), std::nullopt);
  EXPECT_TRUE(CheckPolicyPeriods(s, nullptr)) << "no calendar has the tag";
}

}  // namespace
}  // namespace pingan::config

#include "daemon/config/calendar_loader.h"

#include <filesystem>

#include <gtest/gtest.h>

#include "daemon/config/org_loader.h"
#include "daemon/core/schedule.h"
#include "tests/fakes/source_root.h"

namespace pingan::config {
namespace {

using date::literals::operator""_y;
using std::chrono::hours;
using std::chrono::minutes;

const std::string kExamples = (testing::SourceRoot() / "daemon" / "config" / "examples").string();

core::Instant Utc(date::year_month_day d, int h, int m = 0) {
  return core::Instant{date::sys_days{d}} + hours{h} + minutes{m};
}

LoadError Err(const std::string& yaml) {
  auto v = ParseCalendarConfigYaml(yaml, "cal.yaml", kExamples);
  if (const auto* e = std::get_if<LoadError>(&v)) return *e;
  ADD_FAILURE() << "expected an error for:\n" << yaml;
  return {};
}

CalendarConfig Ok(const std::string& yaml) {
  auto v = ParseCalendarConfigYaml(yaml, "cal.yaml", kExamples);
  if (const auto* e = std::get_if<LoadError>(&v)) {
    ADD_FAILURE() << e->ToString();
    return {};
  }
  return std::get<CalendarConfig>(std::move(v));
}

TEST(CalendarYamlTest, ReadsCalendarsAndRequirements) {
  const CalendarConfig c = Ok(R"(calendars:
  - name: cn
    time_zone: Asia/Shanghai
    periods:
      - {name: 国庆节, kind: public_holiday, from: 2026-10-01, to: 2026-10-08}
      - {name: 会议, kind: major_event, from: 2026-11-10, scope: d1}
    working_days: [2026-09-27, {date: 2026-10-10, name: 补班}]
requirements:
  - id: daily
    kind: daily_all_clear
    during: [public_holiday, major_event]
    days: rest_days
    deadlines: ["10:00", "16:00"]
    grace: 30m
    remind_before: 1h
  - id: monthly
    kind: monthly_summary
    due_day: 5
    due_time: "09:00"
    covers: previous_month
    grace: 1d
  - {id: daily, scope: d2, disabled: true}
)");
  ASSERT_EQ(c.calendars.size(), 1u);
  const core::Calendar& cal = c.calendars[0];
  EXPECT_EQ(cal.time_zone, "Asia/Shanghai");
  ASSERT_EQ(cal.periods.size(), 2u);
  EXPECT_EQ(cal.periods[1].first, 2026_y / 11 / 10);
  EXPECT_EQ(cal.periods[1].last, 2026_y / 11 / 10);  // `to` defaults to `from`
  EXPECT_EQ(cal.periods[1].scope_unit_id, "d1");
  EXPECT_EQ(cal.periods[1].source, "cal.yaml:6");
  ASSERT_EQ(cal.working_days.size(), 2u);
  EXPECT_EQ(cal.working_days[1].name, "补班");
  ASSERT_EQ(c.requirements.size(), 3u);
  const core::Requirement& d = c.requirements[0];
  EXPECT_EQ(d.days, core::DayFilter::kRestDays);
  EXPECT_EQ(d.deadlines, (std::vector<core::TimeOfDay>{hours{10}, hours{16}}));
  EXPECT_EQ(d.grace, minutes{30});
  EXPECT_EQ(d.remind_before, hours{1});
  EXPECT_EQ(d.source, "cal.yaml:9");
  const core::Requirement& m = c.requirements[1];
  EXPECT_EQ(m.due_day, 5u);
  EXPECT_TRUE(m.covers_previous_month);
  EXPECT_FALSE(m.remind_before);
  EXPECT_TRUE(c.requirements[2].disabled);
}

TEST(CalendarYamlTest, ErrorsNameLineAndKey) {
  LoadError e =
      Err("calendars:\n  - name: cn\n    periods:\n"
          "      - {name: x, kind: holiday, from: 2026-10-01}\n");
  EXPECT_EQ(e.line, 4);
  EXPECT_EQ(e.key, "calendars[0].periods[0].kind");

  e =
      Err("calendars:\n  - name: cn\n    periods:\n      - name: x\n        kind: vacation\n"
          "        from: 2026-10-08\n        to: 2026-10-01\n");
  EXPECT_EQ(e.line, 7);
  EXPECT_EQ(e.key, "calendars[0].periods[0].to");

  e = Err("calendars:\n  - name: cn\n    timezone: Asia/Shanghai\n");
  EXPECT_EQ(e.line, 3);
  EXPECT_EQ(e.key, "calendars[0].timezone");

  e = Err("calendars:\n  - name: cn\n    working_days: [2026-02-30]\n");
  EXPECT_EQ(e.line, 3);

  e =
      Err("requirements:\n  - id: d\n    kind: daily_all_clear\n    during: public_holiday\n"
          "    deadlines: [\"10:00\", \"25:00\"]\n");
  EXPECT_EQ(e.line, 5);
  EXPECT_EQ(e.key, "requirements[0].deadlines");
  EXPECT_NE(e.message.find("25:00"), std::string::npos);

  e = Err("requirements:\n  - id: d\n    kind: daily_all_clear\n    deadlines: \"10:00\"\n");
  EXPECT_EQ(e.key, "requirements[0].during");
  EXPECT_EQ(e.line, 2);

  e =
      Err("requirements:\n  - id: m\n    kind: monthly_summary\n    due_day: 0\n"
          "    due_time: \"17:00\"\n");
  EXPECT_EQ(e.key, "requirements[0].due_day");
  EXPECT_EQ(e.line, 4);

  e =
      Err("requirements:\n  - id: m\n    kind: monthly_summary\n    due_day: 30\n"
          "    due_time: \"17:00\"\n    deadlines: \"10:00\"\n");
  EXPECT_EQ(e.key, "requirements[0].deadlines");  // a daily key on a monthly requirement

  e = Err("requirements:\n  - id: d\n    scope: x\n    disabled: true\n    grace: 1h\n");
  EXPECT_EQ(e.key, "requirements[0].grace");
  EXPECT_EQ(e.line, 5);

  e =
      Err("requirements:\n  - id: d\n    kind: daily_all_clear\n    during: vacation\n"
          "    deadlines: \"10:00\"\n    grace: soon\n");
  EXPECT_EQ(e.key, "requirements[0].grace");
  EXPECT_EQ(e.line, 6);

  e = Err("calendars:\n  - name: cn\n    ics:\n      file: missing.ics\n");
  EXPECT_NE(e.file.find("missing.ics"), std::string::npos);

  e = Err("calendars: [\n");
  EXPECT_GT(e.line, 0);
  EXPECT_EQ(Err("calendar: []\n").key, "calendar");
}

// The shipped examples load, build a schedule together, and mean what their comments
// say.
TEST(ExampleFilesTest, LoadAndBuildASchedule) {
  auto yaml = LoadOrgUnitsYaml(kExamples + "/org.example.yaml");
  ASSERT_TRUE(std::holds_alternative<OrgUnits>(yaml)) << std::get<LoadError>(yaml).ToString();
  auto csv = ImportOrgCsv(kExamples + "/schools.example.csv");
  ASSERT_TRUE(std::holds_alternative<OrgUnits>(csv)) << std::get<LoadError>(csv).ToString();
  EXPECT_EQ(std::get<OrgUnits>(csv).units.size(), 4u);
  auto tree_or = BuildOrgTree({std::get<OrgUnits>(yaml), std::get<OrgUnits>(csv)});
  ASSERT_TRUE(std::holds_alternative<core::OrgTree>(tree_or))
      << std::get<LoadError>(tree_or).ToString();
  const core::OrgTree& tree = std::get<core::OrgTree>(tree_or);
  EXPECT_EQ(tree.Find("gd-sz-ft-004")->name, "福田区外国语学校（初中部, 高中部）");
  EXPECT_TRUE(tree.Find("gd-sz-ns-xl-003")->paused);

  auto config = LoadCalendarConfigYaml(kExamples + "/calendars.example.yaml");
  ASSERT_TRUE(std::holds_alternative<CalendarConfig>(config))
      << std::get<LoadError>(config).ToString();
  CalendarConfig& c = std::get<CalendarConfig>(config);
  auto built = core::Schedule::Build(tree, c.calendars, c.requirements, "Asia/Shanghai");
  ASSERT_TRUE(std::holds_alternative<core::Schedule>(built))
      << std::get<core::ScheduleError>(built).ToString();
  const core::Schedule& s = std::get<core::Schedule>(built);

  auto holiday = [&](const char* school, date::year_month_day day) {
    std::vector<core::Window> out;
    for (auto& w : s.WindowsOn(school, day)) {
      if (w.requirement_id == "holiday-all-clear") out.push_back(w);
    }
    return out;
  };
  // National Day: twice a day in general, once by 17:00 in Futian, nothing in Xili.
  const auto nanshan = holiday("gd-sz-ns-xl-001", 2026_y / 10 / 3);
  EXPECT_TRUE(nanshan.empty());
  const auto futian = holiday("gd-sz-ft-001", 2026_y / 10 / 3);
  ASSERT_EQ(futian.size(), 1u);
  EXPECT_EQ(futian[0].deadline, Utc(2026_y / 10 / 3, 9));
  EXPECT_EQ(futian[0].grace_end, Utc(2026_y / 10 / 3, 10));
  // The major event from the .ics (高考期间, 06-07..06-09) and Shenzhen's own event.
  EXPECT_EQ(holiday("gd-sz-ft-001", 2026_y / 6 / 8).size(), 1u);
  EXPECT_EQ(holiday("gd-sz-ft-001", 2026_y / 11 / 11).size(), 1u);
  // Adjusted working day: no holiday report, but a school-day report on a Sunday.
  EXPECT_TRUE(holiday("gd-sz-ft-001", 2026_y / 9 / 27).empty());
  EXPECT_TRUE(s.WindowFor("gd-sz-ft-003", core::ReportKind::kAllClear, 2026_y / 9 / 27));
  // Monthly summary by the 30th, i.e. 28 February 2027, 17:00.
  const auto feb = s.WindowFor("gd-sz-ft-003", core::ReportKind::kMonthlySummary, 2027_y / 2 / 3);
  ASSERT_TRUE(feb);
  EXPECT_EQ(feb->deadline, Utc(2027_y / 2 / 28, 9));
  // The recurring requirements (weekly-report ... exam-days) mean what their comments say.
  auto due = [&](const char* id, date::year_month_day day) -> std::optional<core::Window> {
    for (auto& w : s.WindowsOn("gd-sz-ft-001", day)) {
      if (w.requirement_id == id) return w;
    }
    return std::nullopt;
  };
  EXPECT_TRUE(due("weekly-report", 2026_y / 10 / 9)) << "a Friday in term";
  EXPECT_FALSE(due("weekly-report", 2026_y / 10 / 2)) << "a Friday in National Day";
  EXPECT_FALSE(due("weekly-report", 2026_y / 10 / 8)) << "a Thursday";
  EXPECT_TRUE(due("month-end-check", 2026_y / 10 / 30)) << "October 31st is a Saturday";
  EXPECT_FALSE(due("month-end-check", 2026_y / 10 / 31));
  EXPECT_TRUE(due("pre-holiday-check", 2026_y / 9 / 30));
  EXPECT_TRUE(due("quarterly-check", 2026_y / 12 / 31));
  const auto night = due("flood-night", 2026_y / 6 / 1);
  ASSERT_TRUE(night);
  EXPECT_EQ(night->deadline, Utc(2026_y / 6 / 2, 0)) << "08:00 the next morning";
  EXPECT_FALSE(due("flood-night", 2026_y / 10 / 1)) << "after the flood season";
  EXPECT_TRUE(due("exam-days", 2027_y / 1 / 12));
  // The paused kindergarten owes nothing.
  const auto owed = s.GraceEndsBetween(Utc(2026_y / 10 / 3, 0), Utc(2026_y / 10 / 3, 10));
  for (const auto& d : owed) {
    for (const core::Unit* u : d.schools) EXPECT_FALSE(u->paused) << u->id;
  }
}

// raise_late_alert: a flag, off unless said, refused where it means nothing.
TEST(CalendarYamlTest, RaiseLateAlertIsAFlagCheckedAtItsLine) {
  const CalendarConfig c = Ok(R"(requirements:
  - {id: d, kind: daily_all_clear, during: [public_holiday], deadlines: ["16:00"],
     raise_late_alert: true}
  - {id: m, kind: monthly_summary, due_day: 30, due_time: "18:00"}
)");
  ASSERT_EQ(c.requirements.size(), 2u);
  EXPECT_TRUE(c.requirements[0].raise_late_alert);
  EXPECT_FALSE(c.requirements[1].raise_late_alert);

  LoadError e =
      Err("requirements:\n  - id: d\n    kind: daily_all_clear\n    during: [public_holiday]\n"
          "    deadlines: [\"16:00\"]\n    raise_late_alert: sometimes\n");
  EXPECT_EQ(e.line, 6);
  EXPECT_EQ(e.key, "requirements[0].raise_late_alert");
  EXPECT_EQ(e.message, "must be true or false");

  e = Err("requirements:\n  - id: i\n    kind: incident\n    raise_late_alert: true\n");
  EXPECT_EQ(e.key, "requirements[0].raise_late_alert") << "an incident has no deadline";
  EXPECT_EQ(e.line, 4);
}

}  // namespace
}  // namespace pingan::config

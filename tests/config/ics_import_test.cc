#include "daemon/config/ics_import.h"

#include <filesystem>

#include <gtest/gtest.h>
#include "tests/fakes/source_root.h"

namespace pingan::config {
namespace {

using date::literals::operator""_y;

const std::string kExamples = (testing::SourceRoot() / "daemon" / "config" / "examples").string();

std::string Wrap(const std::string& events) {
  return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n" + events + "END:VCALENDAR\r\n";
}

LoadError Err(const std::variant<core::Calendar, LoadError>& v) {
  if (const auto* e = std::get_if<LoadError>(&v)) return *e;
  ADD_FAILURE() << "expected an error";
  return {};
}

const core::Calendar& Ok(const std::variant<core::Calendar, LoadError>& v) {
  if (const auto* e = std::get_if<LoadError>(&v)) ADD_FAILURE() << e->ToString();
  return std::get<core::Calendar>(v);
}

TEST(IcsImportTest, ImportsTheExampleHolidays) {
  IcsImportOptions options;
  options.scope_unit_id = "gd";
  auto imported = ImportIcsCalendar(kExamples + "/holidays.example.ics", options);
  const core::Calendar& c = Ok(imported);
  EXPECT_EQ(c.name, "中国法定节假日 2026 (示例)");  // X-WR-CALNAME
  EXPECT_EQ(c.scope_unit_id, "gd");
  EXPECT_EQ(c.time_zone, "");       // X-WR-TIMEZONE is deliberately ignored
  ASSERT_EQ(c.periods.size(), 4u);  // 元旦, 春节, 高考期间, 国庆节; the cancelled one skipped
  const core::Period& national = c.periods[3];
  EXPECT_EQ(national.name, "国庆节");
  EXPECT_EQ(national.id, "cn-2026-national-day@pingan.example");
  EXPECT_EQ(national.kind, core::PeriodKind::kPublicHoliday);
  EXPECT_EQ(national.first, 2026_y / 10 / 1);
  EXPECT_EQ(national.last, 2026_y / 10 / 8);                    // DTEND 10-09 is exclusive
  EXPECT_EQ(c.periods[2].kind, core::PeriodKind::kMajorEvent);  // CATEGORIES:MAJOR_EVENT
  EXPECT_EQ(c.periods[2].last, 2026_y / 6 / 9);
  std::vector<date::year_month_day> worked;
  for (const auto& d : c.working_days) worked.push_back(d.day);
  EXPECT_EQ(worked, (std::vector<date::year_month_day>{2026_y / 2 / 14, 2026_y / 2 / 28,
                                                       2026_y / 9 / 27, 2026_y / 10 / 10}));
  EXPECT_NE(c.periods[0].source.find("holidays.example.ics:"), std::string::npos);
}

TEST(IcsImportTest, OptionsChooseKindAndKeywords) {
  const std::string text = Wrap(
      "BEGIN:VEVENT\r\nUID:a\r\nSUMMARY:运动会\r\nDTSTART;VALUE=DATE:20261110\r\n"
      "DTEND;VALUE=DATE:20261113\r\nEND:VEVENT\r\n"
      "BEGIN:VEVENT\r\nUID:b\r\nSUMMARY:Work day\r\nDTSTART;VALUE=DATE:20261114\r\n"
      "END:VEVENT\r\n");
  IcsImportOptions options;
  options.kind = core::PeriodKind::kMajorEvent;
  options.working_day_keywords = {"Work day"};
  options.calendar_name = "events";
  const auto parsed = ParseIcsCalendar(text, "events.ics", options);
  const core::Calendar& c = Ok(parsed);
  EXPECT_EQ(c.name, "events");
  ASSERT_EQ(c.periods.size(), 1u);
  EXPECT_EQ(c.periods[0].kind, core::PeriodKind::kMajorEvent);
  EXPECT_EQ(c.periods[0].last, 2026_y / 11 / 12);
  ASSERT_EQ(c.working_days.size(), 1u);
  EXPECT_EQ(c.working_days[0].day, 2026_y / 11 / 14);
}

TEST(IcsImportTest, MidnightDateTimesCountAsDates) {
  const std::string text = Wrap(
      "BEGIN:VEVENT\r\nUID:a\r\nSUMMARY:假期\r\nDTSTART:20261001T000000\r\n"
      "DTEND:20261003T000000\r\nEND:VEVENT\r\n");
  const auto parsed = ParseIcsCalendar(text, "x.ics", {});
  const core::Calendar& c = Ok(parsed);
  ASSERT_EQ(c.periods.size(), 1u);
  EXPECT_EQ(c.periods[0].first, 2026_y / 10 / 1);
  EXPECT_EQ(c.periods[0].last, 2026_y / 10 / 2);
}

TEST(IcsImportTest, ErrorsNameTheEventsLine) {
  const std::string timed = Wrap(
      "BEGIN:VEVENT\r\nUID:ok\r\nSUMMARY:ok\r\nDTSTART;VALUE=DATE:20261001\r\nEND:VEVENT\r\n"
      "BEGIN:VEVENT\r\nUID:meeting\r\nSUMMARY:会议\r\nDTSTART:20261001T090000\r\n"
      "DTEND:20261001T100000\r\nEND:VEVENT\r\n");
  const LoadError e = Err(ParseIcsCalendar(timed, "x.ics", {}));
  EXPECT_EQ(e.file, "x.ics");
  EXPECT_EQ(e.line, 9);  // the second BEGIN:VEVENT
  EXPECT_EQ(e.key, "VEVENT meeting");
  EXPECT_NE(e.message.find("all-day"), std::string::npos);

  const std::string recurring = Wrap(
      "BEGIN:VEVENT\r\nUID:r\r\nSUMMARY:元旦\r\nDTSTART;VALUE=DATE:20260101\r\n"
      "RRULE:FREQ=YEARLY\r\nEND:VEVENT\r\n");
  EXPECT_NE(Err(ParseIcsCalendar(recurring, "x.ics", {})).message.find("RRULE"), std::string::npos);

  const std::string no_start = Wrap("BEGIN:VEVENT\r\nUID:n\r\nSUMMARY:x\r\nEND:VEVENT\r\n");
  EXPECT_EQ(Err(ParseIcsCalendar(no_start, "x.ics", {})).line, 4);

  EXPECT_EQ(Err(ParseIcsCalendar("id,name\n", "x.ics", {})).line, 1);
  EXPECT_EQ(Err(ImportIcsCalendar("/nonexistent.ics", {})).file, "/nonexistent.ics");
}

}  // namespace
}  // namespace pingan::config

#include "daemon/config/roster_ics.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "daemon/config/escalation_config.h"
#include "daemon/config/org_loader.h"
#include "tests/fakes/source_root.h"
#include "tests/fakes/temp_dir.h"

namespace pingan::config {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

const fs::path kExamples = testing::SourceRoot() / "daemon" / "config" / "examples";

// 2026-10-DD HH:MM in Asia/Shanghai (UTC+8, no DST) as an Instant.
core::Instant At(int day, int hour, int minute = 0) {
  return std::chrono::time_point_cast<core::Millis>(date::sys_days{date::year{2026} / 10 / day} +
                                                    std::chrono::hours{hour} +
                                                    std::chrono::minutes{minute} - 8h);
}

core::Unit MakeUnit(std::string id, std::string name, core::UnitKind kind, std::string parent,
                    std::string zone = "") {
  core::Unit u;
  u.id = std::move(id);
  u.name = std::move(name);
  u.kind = kind;
  u.parent_id = std::move(parent);
  u.time_zone = std::move(zone);
  return u;
}

// d1 福田区教育局 (Asia/Shanghai) with school s01; d2 乌鲁木齐 in Asia/Urumqi (UTC+6).
core::OrgTree MakeTree() {
  return std::get<core::OrgTree>(core::OrgTree::Build(
      {MakeUnit("d1", "福田区教育局", core::UnitKind::kDistrict, "", "Asia/Shanghai"),
       MakeUnit("s01", "第1小学", core::UnitKind::kSchool, "d1"),
       MakeUnit("d2", "天山区教育局", core::UnitKind::kDistrict, "", "Asia/Urumqi")}));
}

std::string Calendar(const std::string& header, const std::string& events) {
  return "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//test//EN\n" + header + events + "END:VCALENDAR\n";
}

std::string Event(const std::string& body) {
  return "BEGIN:VEVENT\nUID:" + std::to_string(std::hash<std::string>{}(body)) +
         "\nDTSTAMP:20260901T000000Z\n" + body + "END:VEVENT\n";
}

core::Rosters Parse(const std::string& text, const std::string& unit = "") {
  const core::OrgTree tree = MakeTree();
  auto parsed = ParseRosterIcs(text, "roster.ics", tree, {unit, "Asia/Shanghai"});
  if (auto* e = std::get_if<LoadError>(&parsed)) {
    ADD_FAILURE() << e->ToString();
    return {};
  }
  return std::get<core::Rosters>(std::move(parsed));
}

LoadError Error(const std::string& text, const std::string& unit = "") {
  const core::OrgTree tree = MakeTree();
  auto parsed = ParseRosterIcs(text, "roster.ics", tree, {unit, "Asia/Shanghai"});
  if (auto* e = std::get_if<LoadError>(&parsed)) return *e;
  ADD_FAILURE() << "accepted:\n" << text;
  return {};
}

std::vector<std::string> Names(const std::vector<core::Recipient>& people) {
  std::vector<std::string> out;
  for (const auto& p : people) out.push_back(p.name);
  return out;
}

TEST(RosterIcs, ANightShiftRunsAcrossMidnight) {
  const core::Rosters rosters = Parse(Calendar(
      "X-PINGAN-UNIT:d1\n", Event("DTSTART:20261001T080000\nDTEND:20261001T200000\n"
                                  "SUMMARY:张三\nDESCRIPTION:phone: 13800000011\n") +
                                Event("DTSTART:20261001T200000\nDTEND:20261002T080000\n"
                                      "SUMMARY:李四\nATTENDEE;CN=李四:MAILTO:li@d1.cn\n"
                                      "DESCRIPTION:电话：13800000012\\n岗位: 夜班\\n带好手电\n")));
  ASSERT_EQ(rosters.count("d1"), 1u);
  const auto night = core::WhoIsOnDuty(rosters, "d1", At(2, 2));
  ASSERT_EQ(night.size(), 1u);
  EXPECT_EQ(night[0].name, "李四");
  EXPECT_EQ(night[0].phone, "13800000012") << "full-width colon";
  EXPECT_EQ(night[0].email, "li@d1.cn") << "from ATTENDEE mailto:";
  EXPECT_EQ(Names(core::WhoIsOnDuty(rosters, "d1", At(1, 19, 59))),
            std::vector<std::string>{"张三"});
  EXPECT_EQ(Names(core::WhoIsOnDuty(rosters, "d1", At(1, 20))), std::vector<std::string>{"李四"});
  EXPECT_TRUE(core::WhoIsOnDuty(rosters, "d1", At(2, 8)).empty());
  const core::Roster& roster = rosters.at("d1");
  ASSERT_EQ(roster.shifts().size(), 2u);
  EXPECT_EQ(roster.shifts()[1].label, "夜班");
  EXPECT_TRUE(core::FindGaps(roster, At(1, 8), At(2, 8)).empty());
}

TEST(RosterIcs, ATwentyFourHourRosterCoversAnEventPeriod) {
  // All-day events (VALUE=DATE, DTEND exclusive) for the National Day week, and chained
  // 24-hour date-time shifts for the sports days after it.
  const core::Rosters rosters = Parse(
      Calendar("X-WR-CALNAME:福田区教育局\n",
               Event("DTSTART;VALUE=DATE:20261001\nDTEND;VALUE=DATE:20261008\nSUMMARY:区值班室\n"
                     "DESCRIPTION:phone: 0755-000\\nlabel: 24小时值班\n") +
                   Event("DTSTART:20261010T000000\nDURATION:PT24H\nSUMMARY:王五\n"
                         "ATTENDEE:tel:13800000021\n") +
                   Event("DTSTART:20261011T000000\nDTEND:20261012T000000\nSUMMARY:赵六\n"
                         "DESCRIPTION:email: zhao@d1.cn\n") +
                   Event("DTSTART:20261012T000000\nDTEND:20261013T000000\nSUMMARY:取消的班\n"
                         "STATUS:CANCELLED\n")));
  const core::Roster& roster = rosters.at("d1");
  EXPECT_TRUE(core::FindGaps(roster, At(1, 0), At(8, 0)).empty());
  EXPECT_EQ(Names(core::WhoIsOnDuty(rosters, "d1", At(7, 23, 59))),
            std::vector<std::string>{"区值班室"});
  EXPECT_TRUE(core::WhoIsOnDuty(rosters, "d1", At(8, 0)).empty()) << "DTEND is exclusive";
  EXPECT_TRUE(core::FindGaps(roster, At(10, 0), At(12, 0)).empty());
  EXPECT_EQ(core::WhoIsOnDuty(rosters, "d1", At(10, 12)).at(0).phone, "13800000021");
  EXPECT_EQ(core::FindGaps(roster, At(10, 0), At(13, 0)),
            (std::vector<core::RosterGap>{{At(12, 0), At(13, 0)}}))
      << "the cancelled shift leaves a hole";
}

TEST(RosterIcs, TimesWithTzidOrUtcAreReadInTheirZone) {
  const core::Rosters rosters = Parse(Calendar(
      "X-PINGAN-UNIT:d1\n",
      // 09:00 in Tokyo is 08:00 in Shanghai; 00:00Z is 08:00 in Shanghai.
      Event("DTSTART;TZID=Asia/Tokyo:20261001T090000\nDTEND;TZID=Asia/Tokyo:20261001T210000\n"
            "SUMMARY:东京\nDESCRIPTION:phone: 1\n") +
          Event("DTSTART:20261002T000000Z\nDTEND:20261002T120000Z\nSUMMARY:世界时\n"
                "DESCRIPTION:phone: 2\n") +
          Event("DTSTART;TZID=/freeassociation.sourceforge.net/Asia/Shanghai:20261003T080000\n"
                "DTEND;TZID=China Standard Time:20261003T200000\nSUMMARY:前缀\n"
                "DESCRIPTION:phone: 3\n")));
  const core::Roster& roster = rosters.at("d1");
  EXPECT_EQ(Names(core::WhoIsOnDuty(rosters, "d1", At(1, 8))), std::vector<std::string>{"东京"});
  EXPECT_TRUE(core::WhoIsOnDuty(rosters, "d1", At(1, 7, 59)).empty());
  EXPECT_EQ(Names(core::WhoIsOnDuty(rosters, "d1", At(2, 8))), std::vector<std::string>{"世界时"});
  EXPECT_TRUE(core::WhoIsOnDuty(rosters, "d1", At(2, 20)).empty());
  EXPECT_TRUE(core::FindGaps(roster, At(3, 8), At(3, 20)).empty());
  // Shifts are kept in the unit's local time.
  EXPECT_EQ(roster.shifts()[0].start,
            date::local_days{date::year{2026} / 10 / 1} + std::chrono::hours{8});

  // A floating time is the unit's own zone: 08:00 in Urumqi is 10:00 in Shanghai.
  const core::Rosters urumqi =
      Parse(Calendar("", Event("DTSTART:20261001T080000\nDTEND:20261001T200000\nSUMMARY:天山\n"
                               "DESCRIPTION:phone: 4\n")),
            "d2");
  EXPECT_TRUE(core::WhoIsOnDuty(urumqi, "d2", At(1, 9, 59)).empty());
  EXPECT_EQ(core::WhoIsOnDuty(urumqi, "d2", At(1, 10)).size(), 1u);
}

TEST(RosterIcs, TheUnitComesFromTheOptionThePropertyOrTheCalendarName) {
  const std::string event =
      Event("DTSTART:20261001T080000\nDTEND:20261001T200000\nSUMMARY:甲\nDESCRIPTION:tel: 1\n");
  EXPECT_EQ(Parse(Calendar("X-PINGAN-UNIT:d2\nX-WR-CALNAME:d1\n", event)).count("d2"), 1u);
  EXPECT_EQ(Parse(Calendar("X-WR-CALNAME:d1\n", event)).count("d1"), 1u);
  EXPECT_EQ(Parse(Calendar("X-WR-CALNAME:天山区教育局\n", event)).count("d2"), 1u);
  EXPECT_EQ(Parse(Calendar("X-PINGAN-UNIT:d2\n", event), "d1").count("d1"), 1u);

  const LoadError unknown = Error(Calendar("X-PINGAN-UNIT:d9\n", event));
  EXPECT_EQ(unknown.line, 4);
  EXPECT_NE(unknown.message.find("d9"), std::string::npos);
  EXPECT_EQ(Error(Calendar("X-WR-CALNAME:某某\n", event)).line, 4);
  EXPECT_NE(Error(Calendar("", event)).message.find("which unit"), std::string::npos);
  EXPECT_NE(Error(Calendar("", event), "nope").message.find("nope"), std::string::npos);
}

TEST(RosterIcs, ErrorsNameTheLineOfTheEvent) {
  const std::string good =
      Event("DTSTART:20261001T080000\nDTEND:20261001T200000\nSUMMARY:甲\nDESCRIPTION:tel: 1\n");
  // Lines 1-4: BEGIN, VERSION, PRODID, X-PINGAN-UNIT; the good event takes lines 5-12,
  // so the second event begins on line 13.
  auto second = [&](const std::string& body) {
    return Error(Calendar("X-PINGAN-UNIT:d1\n", good + Event(body)));
  };
  const LoadError no_address =
      second("DTSTART:20261001T200000\nDTEND:20261002T080000\nSUMMARY:乙\n");
  EXPECT_EQ(no_address.file, "roster.ics");
  EXPECT_EQ(no_address.line, 13);
  EXPECT_NE(no_address.message.find("phone or an email"), std::string::npos);
  EXPECT_EQ(second("DTSTART:20261001T200000\nDTEND:20261002T080000\nDESCRIPTION:tel: 2\n").line, 13)
      << "no name";
  EXPECT_NE(second("DTSTART:20261002T080000\nDTEND:20261001T200000\nSUMMARY:乙\n"
                   "DESCRIPTION:tel: 2\n")
                .message.find("ends before it starts"),
            std::string::npos);
  EXPECT_NE(
      second("DTSTART:20261001T200000\nSUMMARY:乙\nDESCRIPTION:tel: 2\n").message.find("DTEND"),
      std::string::npos);
  EXPECT_NE(
      second("DTEND:20261001T200000\nSUMMARY:乙\nDESCRIPTION:tel: 2\n").message.find("DTSTART"),
      std::string::npos);
  const LoadError rrule = second(
      "DTSTART:20261001T200000\nDTEND:20261002T080000\nRRULE:FREQ=WEEKLY\nSUMMARY:乙\n"
      "DESCRIPTION:tel: 2\n");
  EXPECT_EQ(rrule.line, 13);
  EXPECT_NE(rrule.message.find("RRULE"), std::string::npos);
  const LoadError zone = second(
      "DTSTART;TZID=Asia/Shanghia:20261001T200000\nDTEND:20261002T080000\nSUMMARY:乙\n"
      "DESCRIPTION:tel: 2\n");
  EXPECT_EQ(zone.line, 13);
  EXPECT_NE(zone.message.find("Asia/Shanghia"), std::string::npos);
  EXPECT_EQ(Error("just text\n", "d1").line, 1);
}

TEST(RosterIcs, TheExampleFileIsValid) {
  auto tree = LoadOrgTreeYaml((kExamples / "org.example.yaml").string());
  ASSERT_TRUE(std::holds_alternative<core::OrgTree>(tree));
  auto parsed = ImportRosterFile({(kExamples / "roster.example.ics").string(), ""},
                                 std::get<core::OrgTree>(tree), "Asia/Shanghai");
  ASSERT_TRUE(std::holds_alternative<core::Rosters>(parsed))
      << std::get<LoadError>(parsed).ToString();
  const core::Rosters& rosters = std::get<core::Rosters>(parsed);
  ASSERT_EQ(rosters.count("gd-sz-ns"), 1u) << "from X-PINGAN-UNIT";
  const auto night = core::WhoIsOnDuty(rosters, "gd-sz-ns", At(2, 3));
  ASSERT_EQ(night.size(), 1u);
  EXPECT_EQ(night[0].phone, "13800000022");
  EXPECT_EQ(night[0].email, "zhao@ns.example.cn");
}

// An escalation config naming .ics rosters, alone or next to a CSV, resolves who is on duty.
TEST(RosterIcs, EscalationConfigWithAnIcsRosterResolvesWhoIsOnDuty) {
  testing::TempDir dir;
  std::ofstream(dir.File("duty.ics"))
      << Calendar("", Event("DTSTART;TZID=Asia/Shanghai:20261001T200000\n"
                            "DTEND;TZID=Asia/Shanghai:20261002T080000\nSUMMARY:夜班李四\n"
                            "DESCRIPTION:phone: 13800000012\n"));
  std::ofstream(dir.File("day.csv")) << "d1,2026-10-01 08:00,2026-10-01 20:00,张三,138,,\n";
  const core::OrgTree tree = MakeTree();
  auto prepare = [&](const std::string& yaml) -> std::variant<SharedEscalation, LoadError> {
    auto parsed = ParseEscalationYaml(yaml, dir.File("esc.yaml"), dir.File(""));
    if (auto* e = std::get_if<LoadError>(&parsed)) return *e;
    return PrepareEscalation(std::get<EscalationSettings>(std::move(parsed)), tree,
                             "Asia/Shanghai");
  };
  auto listed = prepare("roster:\n  - day.csv\n  - file: duty.ics\n    unit: d1\n");
  ASSERT_TRUE(std::holds_alternative<SharedEscalation>(listed))
      << std::get<LoadError>(listed).ToString();
  const core::Rosters& rosters = std::get<SharedEscalation>(listed)->rosters;
  EXPECT_EQ(Names(core::WhoIsOnDuty(rosters, "d1", At(1, 9))), std::vector<std::string>{"张三"});
  EXPECT_EQ(Names(core::WhoIsOnDuty(rosters, "d1", At(2, 1))),
            std::vector<std::string>{"夜班李四"});
  EXPECT_TRUE(core::FindGaps(rosters, "d1", At(1, 8), At(2, 8)).empty()) << "merged";

  // A single mapping, and the calendar naming no unit: the config must.
  auto single = prepare("roster: {file: duty.ics, unit: d1}\n");
  ASSERT_TRUE(std::holds_alternative<SharedEscalation>(single));
  EXPECT_EQ(std::get<SharedEscalation>(single)->rosters.count("d1"), 1u);
  auto no_unit = prepare("roster: duty.ics\n");
  ASSERT_TRUE(std::holds_alternative<LoadError>(no_unit));
  EXPECT_EQ(std::get<LoadError>(no_unit).file, dir.File("duty.ics"));

  auto csv_with_unit =
      ParseEscalationYaml("roster:\n  - file: day.csv\n    unit: d1\n", "esc.yaml", dir.File(""));
  ASSERT_TRUE(std::holds_alternative<LoadError>(csv_with_unit));
  EXPECT_EQ(std::get<LoadError>(csv_with_unit).key, "roster[0].unit");
  EXPECT_EQ(std::get<LoadError>(csv_with_unit).line, 3);
  auto typo = ParseEscalationYaml("roster:\n  - fiel: day.csv\n", "esc.yaml", ".");
  ASSERT_TRUE(std::holds_alternative<LoadError>(typo));
}

// The example escalation file with the list form of `roster:` over the example files.
TEST(RosterIcs, ExampleRosterFilesCombine) {
  auto tree = LoadOrgTreeYaml((kExamples / "org.example.yaml").string());
  ASSERT_TRUE(std::holds_alternative<core::OrgTree>(tree));
  auto parsed = ParseEscalationYaml(
      "roster:\n  - roster.example.csv\n  - file: roster.example.ics\n    unit: gd-sz-ns\n",
      "esc.yaml", kExamples.string());
  ASSERT_TRUE(std::holds_alternative<EscalationSettings>(parsed));
  auto prepared = PrepareEscalation(std::get<EscalationSettings>(std::move(parsed)),
                                    std::get<core::OrgTree>(tree), "Asia/Shanghai");
  ASSERT_TRUE(std::holds_alternative<SharedEscalation>(prepared))
      << std::get<LoadError>(prepared).ToString();
  const core::Rosters& rosters = std::get<SharedEscalation>(prepared)->rosters;
  // 10-01 09:00: the CSV's district duty room and the .ics's 王五 in Nanshan.
  EXPECT_EQ(core::WhoIsOnDuty(rosters, "gd-sz-ns", At(1, 9)).size(), 2u);
  EXPECT_EQ(Names(core::WhoIsOnDuty(rosters, "gd-sz-ft", At(1, 9))),
            std::vector<std::string>{"张三"});
}

}  // namespace
}  // namespace pingan::config

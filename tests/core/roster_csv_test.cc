#include "daemon/core/roster_csv.h"

#include <gtest/gtest.h>

#include "daemon/core/csv.h"

#include "tests/core/escalation_fixture.h"

namespace pingan::core {
namespace {

using testing::Cst;

TEST(RosterCsvTest, ImportsShiftsPerUnitInLocalTime) {
  const OrgTree tree = testing::MakeTree(3);
  const std::string csv =
      "\xEF\xBB\xBFunit_id,start,end,name,phone,email,label\r\n"
      "d1,2024-10-03 08:00,2024-10-03 24:00,值班员甲,13800000001,,值班员\r\n"
      "# night shift\n"
      "\n"
      "d1,2024-10-04T00:00:00,2024-10-04 08:00,\"Wang, Wu\",,wang@example.cn\n"
      "s01,2024-10-03 08:00,2024-10-03 17:00,总务处,13900000001,z@example.cn\n";
  auto result = ImportRosterCsv(csv, tree, "Asia/Shanghai");
  ASSERT_TRUE(std::holds_alternative<Rosters>(result))
      << std::get<std::vector<CsvError>>(result)[0].message;
  const Rosters& rosters = std::get<Rosters>(result);
  ASSERT_EQ(rosters.size(), 2u);
  ASSERT_EQ(rosters.at("d1").shifts().size(), 2u);
  EXPECT_EQ(WhoIsOnDuty(rosters, "d1", Cst(3, 23, 59))[0].phone, "13800000001");
  EXPECT_EQ(WhoIsOnDuty(rosters, "d1", Cst(4, 0))[0].name, "Wang, Wu");
  EXPECT_EQ(rosters.at("d1").shifts()[0].label, "值班员");
  EXPECT_TRUE(FindGaps(rosters, "d1", Cst(3, 8), Cst(4, 8)).empty());
}

TEST(RosterCsvTest, ReportsEveryBadLineWithItsNumber) {
  const OrgTree tree = testing::MakeTree(3);
  const std::string csv =
      "unit_id,start,end,name,phone,email\n"                     // 1
      "d1,2024-10-03 08:00,2024-10-03 20:00,甲,1380001,\n"       // 2 ok
      "d1,2024-10-32 08:00,2024-10-03 20:00,乙,1380002,\n"       // 3 bad date
      "nowhere,2024-10-03 08:00,2024-10-03 20:00,丙,1380003,\n"  // 4 unknown unit
      "d1,2024-10-03 08:00,2024-10-03 20:00,丁,,\n"              // 5 no address
      "d1,2024-10-03 08:00,2024-10-03 20:00\n"                   // 6 columns
      "d1,2024-10-03 20:00,2024-10-03 08:00,戊,1380005,\n"       // 7 backwards
      "d1,\"2024-10-03 08:00,2024-10-03 20:00,己,1,\n"           // 8 quote
      "d1,2024-10-03 08:00,2024-10-03 20:00,庚,call me,\n";      // 9 phone
  auto result = ImportRosterCsv(csv, tree, "Asia/Shanghai");
  ASSERT_TRUE(std::holds_alternative<std::vector<CsvError>>(result));
  const auto& errors = std::get<std::vector<CsvError>>(result);
  std::vector<size_t> lines;
  for (const auto& e : errors) lines.push_back(e.line);
  EXPECT_EQ(lines, (std::vector<size_t>{3, 4, 5, 6, 7, 8, 9}));
  EXPECT_NE(errors[1].message.find("nowhere"), std::string::npos);
}

TEST(RosterCsvTest, SplitHandlesQuotes) {
  CsvOptions one_line;
  one_line.multiline_fields = false;  // as ImportRosterCsv reads
  const CsvDocument quoted = ReadCsv("a,\"b, c\",\"say \"\"hi\"\"\",", one_line);
  ASSERT_EQ(quoted.records.size(), 1u);
  EXPECT_EQ(quoted.records[0].fields, (std::vector<std::string>{"a", "b, c", "say \"hi\"", ""}));
  EXPECT_EQ(ReadCsv("a,\"b", one_line).errors.size(), 1u);
}

TEST(RosterCsvTest, LocalDateTimeParsing) {
  using namespace date;
  EXPECT_EQ(ParseLocalDateTime("2024-02-29 23:59"),
            local_days{2024_y / February / 29} + std::chrono::minutes{23 * 60 + 59});
  EXPECT_EQ(ParseLocalDateTime("2024-10-03 24:00"), local_days{2024_y / October / 4});
  EXPECT_FALSE(ParseLocalDateTime("2023-02-29 08:00").has_value());
  EXPECT_FALSE(ParseLocalDateTime("2024-10-03 24:01").has_value());
  EXPECT_FALSE(ParseLocalDateTime("2024-10-03 8:00").has_value());
  EXPECT_FALSE(ParseLocalDateTime("2024-10-03 08:60").has_value());
}

}  // namespace
}  // namespace pingan::core

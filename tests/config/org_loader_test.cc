#include "daemon/config/org_loader.h"

#include <gtest/gtest.h>

namespace pingan::config {
namespace {

template <typename T>
const T& Ok(const std::variant<T, LoadError>& v) {
  if (const auto* e = std::get_if<LoadError>(&v)) {
    ADD_FAILURE() << "unexpected error: " << e->ToString();
    static const T kEmpty{};
    return kEmpty;
  }
  return std::get<T>(v);
}

template <typename T>
LoadError Err(const std::variant<T, LoadError>& v) {
  if (const auto* e = std::get_if<LoadError>(&v)) return *e;
  ADD_FAILURE() << "expected an error";
  return {};
}

constexpr const char* kYaml = R"(units:
  - id: p
    name: 省厅
    kind: province
    contacts:
      - role: duty_contact
        name: 值班室
        phone: "020-1234"
    children:
      - id: c
        name: 市局
        kind: 市
        time_zone: Asia/Shanghai
        children:
          - id: s1
            name: 第一小学
            kind: school
  - id: k1
    name: 幼儿园
    kind: kindergarten
    parent: c
    paused: true
    paused_reason: 合并
)";

TEST(OrgYamlTest, ReadsNestedAndFlatUnits) {
  const OrgUnits units = Ok(ParseOrgUnitsYaml(kYaml, "org.yaml"));
  ASSERT_EQ(units.units.size(), 4u);
  EXPECT_EQ(units.units[0].id, "p");
  EXPECT_EQ(units.units[0].parent_id, "");
  ASSERT_EQ(units.units[0].contacts.size(), 1u);
  EXPECT_EQ(units.units[0].contacts[0].role, core::ContactRole::kDutyContact);
  EXPECT_EQ(units.units[0].contacts[0].phone, "020-1234");
  EXPECT_EQ(units.units[1].kind, core::UnitKind::kCity);
  EXPECT_EQ(units.units[1].parent_id, "p");
  EXPECT_EQ(units.units[2].parent_id, "c");
  EXPECT_EQ(units.units[3].kind, core::UnitKind::kSchool);
  EXPECT_TRUE(units.units[3].paused);
  EXPECT_EQ(units.units[3].paused_reason, "合并");
  EXPECT_EQ(units.lines, (std::vector<int>{2, 10, 15, 18}));

  auto tree = BuildOrgTree({units});
  ASSERT_TRUE(std::holds_alternative<core::OrgTree>(tree)) << Err(tree).ToString();
  const auto& t = std::get<core::OrgTree>(tree);
  EXPECT_EQ(t.SchoolsUnder("p").size(), 2u);
}

TEST(OrgYamlTest, ErrorsNameLineAndKey) {
  const LoadError zone = Err(ParseOrgUnitsYaml(
      "units:\n  - id: p\n    name: P\n    kind: province\n    time_zone: Asia/Shanghia\n",
      "org.yaml"));
  EXPECT_EQ(zone.file, "org.yaml");
  EXPECT_EQ(zone.line, 5);
  EXPECT_EQ(zone.key, "units[0].time_zone");
  EXPECT_NE(zone.message.find("Asia/Shanghia"), std::string::npos);

  const LoadError typo = Err(ParseOrgUnitsYaml(
      "units:\n  - id: p\n    name: P\n    kind: province\n    childern: []\n", "org.yaml"));
  EXPECT_EQ(typo.line, 5);
  EXPECT_EQ(typo.key, "units[0].childern");

  const LoadError nested =
      Err(ParseOrgUnitsYaml("units:\n  - id: p\n    name: P\n    kind: province\n    children:\n"
                            "      - id: c\n        name: C\n        kind: town\n",
                            "org.yaml"));
  EXPECT_EQ(nested.line, 8);
  EXPECT_EQ(nested.key, "units[0].children[0].kind");

  const LoadError missing = Err(ParseOrgUnitsYaml("units:\n  - id: p\n    name: P\n", "org.yaml"));
  EXPECT_EQ(missing.line, 2);
  EXPECT_EQ(missing.key, "units[0].kind");

  const LoadError syntax = Err(ParseOrgUnitsYaml("units:\n  - id: [p\n", "org.yaml"));
  EXPECT_GT(syntax.line, 0);

  const LoadError bad_id =
      Err(ParseOrgUnitsYaml("units:\n  - id: 第一\n    name: P\n    kind: school\n", "org.yaml"));
  EXPECT_EQ(bad_id.key, "units[0].id");

  const LoadError email =
      Err(ParseOrgUnitsYaml("units:\n  - id: p\n    name: P\n    kind: school\n    contacts:\n"
                            "      - role: duty_contact\n        email: nobody\n",
                            "org.yaml"));
  EXPECT_EQ(email.key, "units[0].contacts");
  EXPECT_EQ(email.line, 6);
}

TEST(OrgCsvTest, ReadsQuotedFieldsBomChineseAndComments) {
  const std::string csv =
      "\xEF\xBB\xBF# a comment line\r\n"
      "编号,名称,类型,上级,值班人,值班电话,暂停,暂停原因\r\n"
      "s1,\"第一小学, 东校区\",学校,d,\"王 \"\"老师\"\"\",13800000000,否,\r\n"
      "\r\n"
      "s2,\"第二\n小学\",幼儿园,d,,,是,\"合并,\n暂停\"\r\n"
      "s3,第三小学,,d,,,,\r\n";
  const OrgUnits units = Ok(ParseOrgCsv(csv, "schools.csv"));
  ASSERT_EQ(units.units.size(), 3u);
  const core::Unit& s1 = units.units[0];
  EXPECT_EQ(s1.id, "s1");
  EXPECT_EQ(s1.name, "第一小学, 东校区");
  EXPECT_EQ(s1.kind, core::UnitKind::kSchool);
  EXPECT_EQ(s1.parent_id, "d");
  ASSERT_EQ(s1.contacts.size(), 1u);
  EXPECT_EQ(s1.contacts[0].role, core::ContactRole::kDutyContact);
  EXPECT_EQ(s1.contacts[0].name, "王 \"老师\"");
  EXPECT_FALSE(s1.paused);
  EXPECT_EQ(units.units[1].name, "第二\n小学");
  EXPECT_TRUE(units.units[1].paused);
  EXPECT_EQ(units.units[1].paused_reason, "合并,\n暂停");
  EXPECT_TRUE(units.units[2].contacts.empty());
  EXPECT_EQ(units.lines, (std::vector<int>{3, 5, 8}));  // records spanning lines count them
}

LoadError CsvError(const std::string& body) {
  return Err(ParseOrgCsv("id,name,kind,parent,paused\n" + body, "schools.csv"));
}

TEST(OrgCsvTest, ErrorsNameTheLineAndColumn) {
  const LoadError kind = CsvError("s1,A,school,d,\ns2,B,castle,d,\n");
  EXPECT_EQ(kind.file, "schools.csv");
  EXPECT_EQ(kind.line, 3);
  EXPECT_EQ(kind.key, "kind");
  EXPECT_NE(kind.message.find("castle"), std::string::npos);

  const LoadError paused = CsvError("\"s1\",\"A\nB\",school,d,\ns2,B,school,d,maybe\n");
  EXPECT_EQ(paused.line, 4);
  EXPECT_EQ(paused.key, "paused");

  // GBK-encoded "中学" is not UTF-8.
  const LoadError gbk = CsvError("s1,\xD6\xD0\xD1\xA7,school,d,\n");
  EXPECT_EQ(gbk.line, 2);
  EXPECT_NE(gbk.message.find("UTF-8"), std::string::npos);

  EXPECT_EQ(CsvError("s1,A,school,d,,extra\n").line, 2);
  EXPECT_EQ(Ok(ParseOrgCsv("id,name\ns1,A,,,\n", "s.csv")).units.size(), 1u)
      << "trailing empty cells are fine";
  EXPECT_EQ(CsvError("s1,\"A,school,d,\n").message, "unterminated quoted field");
  EXPECT_EQ(CsvError("s1,\"A\"x,school,d,\n").line, 2);
  EXPECT_EQ(CsvError("bad id,A,school,d,\n").key, "id");

  const LoadError column = Err(ParseOrgCsv("id,name,colour\n", "schools.csv"));
  EXPECT_EQ(column.line, 1);
  EXPECT_EQ(column.key, "colour");
  EXPECT_EQ(Err(ParseOrgCsv("name,parent\n", "schools.csv")).key, "id");
  EXPECT_EQ(Err(ParseOrgCsv("# only comments\n", "schools.csv")).message, "no header row");
}

TEST(OrgTreeLoadTest, CombinesYamlAndCsvAndNamesLinesOfTreeErrors) {
  const OrgUnits yaml = Ok(ParseOrgUnitsYaml(kYaml, "org.yaml"));
  const OrgUnits csv = Ok(ParseOrgCsv("id,name,parent\ns2,二小,c\ns3,三小,c\n", "schools.csv"));
  auto tree = BuildOrgTree({yaml, csv});
  ASSERT_TRUE(std::holds_alternative<core::OrgTree>(tree)) << Err(tree).ToString();
  EXPECT_EQ(std::get<core::OrgTree>(tree).SchoolsUnder("c").size(), 4u);

  const OrgUnits orphan = Ok(ParseOrgCsv("id,name,parent\ns2,二小,c\ns3,三小,nowhere\n", "s.csv"));
  const LoadError e = Err(BuildOrgTree({yaml, orphan}));
  EXPECT_EQ(e.file, "s.csv");
  EXPECT_EQ(e.line, 3);
  EXPECT_EQ(e.key, "parent");
  EXPECT_NE(e.message.find("nowhere"), std::string::npos);

  const OrgUnits dup = Ok(ParseOrgCsv("id,name,parent\ns1,重复,c\n", "s.csv"));
  const LoadError d = Err(BuildOrgTree({yaml, dup}));
  EXPECT_EQ(d.file, "s.csv");
  EXPECT_EQ(d.line, 2);
  EXPECT_NE(d.message.find("org.yaml:15"), std::string::npos);
}

TEST(OrgTreeLoadTest, MissingFileIsAnError) {
  const LoadError e = Err(LoadOrgTreeYaml("/nonexistent/org.yaml"));
  EXPECT_EQ(e.file, "/nonexistent/org.yaml");
  EXPECT_FALSE(e.message.empty());
  EXPECT_EQ(Err(ImportOrgCsv("/nonexistent/schools.csv")).file, "/nonexistent/schools.csv");
}

}  // namespace
}  // namespace pingan::config

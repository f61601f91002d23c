// schools.import: upserts by id, all problems at once with their lines, dry runs, the
// schedule swap, and the overlay file that LoadSchedule applies after a restart.
#include "daemon/config/school_import.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "daemon/config/config.h"
#include "daemon/config/schedule_loader.h"
#include "tests/services/admin_support.h"

namespace pingan::services {
namespace {

using nlohmann::json;

class SchoolImportTest : public testing::AdminCommandsFixture {
 protected:
  std::string Overlay() const { return dir_.File("schools.imported.csv"); }
  json Import(const std::string& csv, bool dry_run = false) {
    return Ok("schools.import",
              {{"csv", csv}, {"dry_run", dry_run}, {"file", "new.csv"}, {"actor", "user:admin"}});
  }
};

TEST_F(SchoolImportTest, AddsAndUpdatesByIdKeepsTheRestAndSwapsTheSchedule) {
  const config::SharedSchedule before = schedules_.Get();
  const json r = Import(
      "id,name,kind,parent,duty_name,duty_phone\n"
      "a1,甲一小学,school,district-a,,\n"                             // unchanged
      "b1,乙一小学（新校区）,school,district-b,王老师,13800000001\n"  // renamed, contact added
      "b2,乙二小学,学校,district-b,,\n");                             // new
  EXPECT_TRUE(r["applied"].get<bool>());
  EXPECT_EQ(r["added"], 1);
  EXPECT_EQ(r["updated"], 1);
  EXPECT_EQ(r["unchanged"], 1);
  EXPECT_EQ(r["added_ids"], json::array({"b2"}));
  EXPECT_EQ(r["updated_ids"], json::array({"b1"}));
  EXPECT_TRUE(r["errors"].empty());
  const config::SharedSchedule after = schedules_.Get();
  ASSERT_NE(after, before);
  EXPECT_EQ(after->tree.Find("b1")->name, "乙一小学（新校区）");
  EXPECT_EQ(after->tree.Find("b1")->contacts.size(), 1u);
  ASSERT_NE(after->tree.Find("b2"), nullptr);
  EXPECT_NE(after->tree.Find("a2"), nullptr);  // not in the file: kept
  // The new school owes the daily report from now on.
  EXPECT_EQ(after->schedule.SchoolCount("daily"), before->schedule.SchoolCount("daily") + 1);
  const auto audit = Audit();
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0].action, "schools.import");
  EXPECT_EQ(audit[0].actor, "user:admin");
  EXPECT_EQ(audit[0].detail, "added=1 updated=1 unchanged=1");
}

TEST_F(SchoolImportTest, EveryBadLineIsReportedAndNothingIsApplied) {
  const config::SharedSchedule before = schedules_.Get();
  const json r = Import(
      "id,name,kind,parent,time_zone\n"
      "b2,乙二小学,school,district-b,\n"
      "bad id,坏编号,school,district-b,\n"             // line 3: id syntax
      "b3,乙三小学,school,district-x,\n"               // line 4: unknown parent
      "b2,重复,school,district-b,\n"                   // line 5: given twice
      "b4,乙四小学,school,district-b,Asia/Shanghia\n"  // line 6: zone
      "district-a,甲区教育局,school,,\n");             // line 7: kind change
  EXPECT_FALSE(r["applied"].get<bool>());
  std::vector<int> lines;
  for (const json& e : r["errors"]) lines.push_back(e["line"].get<int>());
  EXPECT_EQ(lines, (std::vector<int>{3, 4, 5, 6, 7}));
  EXPECT_EQ(r["errors"][1]["column"], "parent");
  EXPECT_NE(r["errors"][1]["message"].get<std::string>().find("district-x"), std::string::npos);
  EXPECT_EQ(r["errors"][4]["column"], "kind");
  EXPECT_EQ(schedules_.Get(), before);
  EXPECT_FALSE(std::filesystem::exists(Overlay()));
  EXPECT_TRUE(Audit().empty());
}

TEST_F(SchoolImportTest, ACycleIsRefusedWithTheLineThatMadeIt) {
  const json r = Import(
      "id,name,kind,parent\n"
      "district-a,甲区教育局,district,a1\n");  // under its own school
  ASSERT_EQ(r["errors"].size(), 1u);
  EXPECT_EQ(r["errors"][0]["line"], 2);
  EXPECT_FALSE(r["applied"].get<bool>());
}

TEST_F(SchoolImportTest, ADryRunCountsButChangesNothing) {
  const config::SharedSchedule before = schedules_.Get();
  const json r = Import("id,name,parent\nb2,乙二小学,district-b\n", true);
  EXPECT_TRUE(r["dry_run"].get<bool>());
  EXPECT_FALSE(r["applied"].get<bool>());
  EXPECT_EQ(r["added"], 1);
  EXPECT_EQ(schedules_.Get(), before);
  EXPECT_FALSE(std::filesystem::exists(Overlay()));
}

TEST_F(SchoolImportTest, WithoutAnOrganisationThereIsNothingToImportInto) {
  schedules_.Set(nullptr);
  EXPECT_EQ(ErrorCode("schools.import", {{"csv", "id,name\nb2,x\n"}}), "no_schedule");
  EXPECT_EQ(ErrorCode("schools.import", json::object()), "bad_request");
}

TEST_F(SchoolImportTest, ImportsSurviveARestartAndLaterImportsWin) {
  // The configured organisation, as pingand would load it.
  std::ofstream(dir_.File("org.yaml"))
      << "units:\n  - {id: district-b, name: 乙区教育局, kind: district}\n"
         "  - {id: b1, name: 乙一小学, kind: school, parent: district-b}\n";
  std::ofstream(dir_.File("calendars.yaml"))
      << "calendars:\n  - name: holiday\n    time_zone: Asia/Shanghai\n    periods:\n"
         "      - {name: 国庆节, kind: public_holiday, from: 2026-10-01, to: 2026-10-07}\n"
         "requirements:\n  - {id: daily, name: 每日报平安, kind: daily_all_clear, during: "
         "[public_holiday], deadlines: [\"16:00\"], grace: 30m}\n";
  config::DaemonConfig config = config::DefaultConfig();
  config.data_dir = dir_.path().string();
  config.org_file = dir_.File("org.yaml");
  config.calendars_file = dir_.File("calendars.yaml");
  auto loaded = config::LoadSchedule(config);
  ASSERT_TRUE(std::holds_alternative<config::SharedSchedule>(loaded))
      << std::get<std::string>(loaded);
  schedules_.Set(std::get<config::SharedSchedule>(loaded));

  Import("id,name,parent\nb1,乙一小学（改）,district-b\nb2,\"乙二, 小学\",district-b\n");
  Import("id,name,parent\nb2,乙二小学,district-b\nb3,乙三小学,district-b\n");
  auto reloaded = config::LoadSchedule(config);
  ASSERT_TRUE(std::holds_alternative<config::SharedSchedule>(reloaded))
      << std::get<std::string>(reloaded);
  const core::OrgTree& tree = std::get<config::SharedSchedule>(reloaded)->tree;
  EXPECT_EQ(tree.Find("b1")->name, "乙一小学（改）");
  EXPECT_EQ(tree.Find("b2")->name, "乙二小学");
  ASSERT_NE(tree.Find("b3"), nullptr);
  EXPECT_EQ(tree.units().size(), 4u);
  EXPECT_EQ(std::get<config::SharedSchedule>(reloaded)->schedule.SchoolCount("daily"), 3u);
}

TEST(UnitsToCsvTest, ReadsBackToTheSameUnits) {
  core::Unit u = testing::MakeUnit("s1", "第一小学, \"东\"校区", core::UnitKind::kSchool, "d1");
  u.time_zone = "Asia/Urumqi";
  u.contacts = {{core::ContactRole::kPrimaryAccountable, "李校长", "13800000000", ""},
                {core::ContactRole::kDutyContact, "", "", "duty@example.org"}};
  u.paused = true;
  u.paused_reason = "合并\n到二小";
  core::Unit d = testing::MakeUnit("d1", "区教育局", core::UnitKind::kDistrict, "");
  auto parsed = config::ParseOrgCsv(config::UnitsToCsv({d, u}), "x.csv");
  ASSERT_TRUE(std::holds_alternative<config::OrgUnits>(parsed))
      << std::get<config::LoadError>(parsed).ToString();
  const auto& units = std::get<config::OrgUnits>(parsed).units;
  ASSERT_EQ(units.size(), 2u);
  EXPECT_TRUE(config::SameUnit(units[0], d));
  EXPECT_TRUE(config::SameUnit(units[1], u));
}

TEST(OverlayUnitsTest, ReplacesByIdAndErrorsNameTheOverlayFile) {
  std::vector<config::OrgUnits> parts(1);
  parts[0].file = "org.yaml";
  parts[0].units = {testing::MakeUnit("d", "D", core::UnitKind::kDistrict, ""),
                    testing::MakeUnit("s", "S", core::UnitKind::kSchool, "d")};
  parts[0].lines = {2, 3};
  config::OrgUnits overlay;
  overlay.file = "schools.imported.csv";
  overlay.units = {testing::MakeUnit("s", "S2", core::UnitKind::kSchool, "gone")};
  overlay.lines = {6};
  config::OverlayUnits(parts, overlay);
  auto built = config::BuildOrgTree(parts);
  ASSERT_TRUE(std::holds_alternative<config::LoadError>(built));
  EXPECT_EQ(std::get<config::LoadError>(built).ToString().rfind("schools.imported.csv:6:", 0), 0u)
      << std::get<config::LoadError>(built).ToString();
}

}  // namespace
}  // namespace pingan::services

#include "daemon/core/org_tree.h"

#include <gtest/gtest.h>

namespace pingan::core {
namespace {

Unit MakeUnit(std::string id, UnitKind kind, std::string parent, std::string tz = "") {
  Unit u;
  u.id = std::move(id);
  u.name = u.id;
  u.kind = kind;
  u.parent_id = std::move(parent);
  u.time_zone = std::move(tz);
  return u;
}

OrgTree SampleTree() {
  std::vector<Unit> units = {
      MakeUnit("city", UnitKind::kCity, "", "Asia/Shanghai"),
      MakeUnit("d1", UnitKind::kDistrict, "city"),
      MakeUnit("d2", UnitKind::kDistrict, "city", "Asia/Urumqi"),
      MakeUnit("t1", UnitKind::kTownshipCentralSchool, "d1"),
      MakeUnit("s1", UnitKind::kSchool, "t1"),
      MakeUnit("s2", UnitKind::kSchool, "d1"),
      MakeUnit("s3", UnitKind::kSchool, "d2"),
  };
  units[4].contacts.push_back(
      Contact{ContactRole::kPrimaryAccountable, "王校长", "13800000000", ""});
  return std::get<OrgTree>(OrgTree::Build(std::move(units)));
}

std::vector<std::string> Ids(const std::vector<const Unit*>& units) {
  std::vector<std::string> out;
  for (const Unit* u : units) out.push_back(u->id);
  return out;
}

TEST(OrgTree, NavigatesParentsChildrenAndSubtrees) {
  const OrgTree tree = SampleTree();
  const Unit* s1 = tree.Find("s1");
  ASSERT_NE(s1, nullptr);
  EXPECT_EQ(Ids(tree.Ancestors(*s1)), (std::vector<std::string>{"t1", "d1", "city"}));
  EXPECT_EQ(Ids(tree.SchoolsUnder("d1")), (std::vector<std::string>{"s1", "s2"}));
  EXPECT_EQ(Ids(tree.SchoolsUnder("city")), (std::vector<std::string>{"s1", "s2", "s3"}));
  EXPECT_TRUE(tree.IsInSubtree("s1", "d1"));
  EXPECT_TRUE(tree.IsInSubtree("d1", "d1"));
  EXPECT_FALSE(tree.IsInSubtree("s3", "d1"));
  EXPECT_EQ(tree.Find("nope"), nullptr);
}

TEST(OrgTree, TimeZoneIsInheritedFromTheNearestUnitThatSetsOne) {
  const OrgTree tree = SampleTree();
  EXPECT_EQ(tree.EffectiveTimeZone(*tree.Find("s1"), "UTC"), "Asia/Shanghai");
  EXPECT_EQ(tree.EffectiveTimeZone(*tree.Find("s3"), "UTC"), "Asia/Urumqi");
  EXPECT_EQ(tree.ContactsFor(*tree.Find("s1"), ContactRole::kPrimaryAccountable).size(), 1u);
  EXPECT_TRUE(tree.ContactsFor(*tree.Find("s1"), ContactRole::kDutyContact).empty());
}

TEST(OrgTree, BuildRejectsDuplicatesMissingParentsAndCycles) {
  auto dup =
      OrgTree::Build({MakeUnit("a", UnitKind::kCity, ""), MakeUnit("a", UnitKind::kSchool, "")});
  ASSERT_TRUE(std::holds_alternative<OrgTree::BuildError>(dup));
  EXPECT_EQ(std::get<OrgTree::BuildError>(dup).unit_id, "a");

  auto orphan = OrgTree::Build({MakeUnit("s", UnitKind::kSchool, "ghost")});
  ASSERT_TRUE(std::holds_alternative<OrgTree::BuildError>(orphan));
  EXPECT_NE(std::get<OrgTree::BuildError>(orphan).message.find("ghost"), std::string::npos);

  auto cycle = OrgTree::Build(
      {MakeUnit("a", UnitKind::kDistrict, "b"), MakeUnit("b", UnitKind::kDistrict, "a")});
  ASSERT_TRUE(std::holds_alternative<OrgTree::BuildError>(cycle));
  EXPECT_NE(std::get<OrgTree::BuildError>(cycle).message.find("cycle"), std::string::npos);
}

}  // namespace
}  // namespace pingan::core

// WindowTally: one bit per unit of its tree and window; a window it does not know has
// nobody, a unit of another tree is never "reported", and a new tree starts empty.
#include "daemon/core/window_tally.h"

#include <gtest/gtest.h>

#include <set>

#include "tests/core/schedule_fixture.h"

namespace pingan::core {
namespace {

using testing::MakeTree;

std::vector<const Unit*> Schools(const OrgTree& tree) {
  return tree.SchoolsUnder("p");
}

std::set<std::string> Ids(const std::vector<const Unit*>& units) {
  std::set<std::string> out;
  for (const Unit* u : units) out.insert(u->id);
  return out;
}

TEST(WindowTally, WithoutGivesTheSchoolsWithoutARowInTheirOrder) {
  const OrgTree tree = MakeTree();
  WindowTally tally;
  tally.Rebind(&tree);
  EXPECT_FALSE(tally.Knows("daily", "2026-10-03"));
  tally.Load("daily", "2026-10-03", std::vector<std::string>{"s1", "n1", "not-a-unit"});
  ASSERT_TRUE(tally.Knows("daily", "2026-10-03"));
  tally.Add("daily", "2026-10-03", "s4");
  const auto without = tally.Without("daily", "2026-10-03", Schools(tree));
  EXPECT_EQ(Ids(without), (std::set<std::string>{"s2", "s3", "b1"}));
  EXPECT_TRUE(tally.Has("daily", "2026-10-03", *tree.Find("s4")));
  EXPECT_FALSE(tally.Has("daily", "2026-10-03", *tree.Find("s2")));
  // Windows are apart: the same school in another window or requirement has nobody.
  EXPECT_FALSE(tally.Has("daily", "2026-10-04", *tree.Find("s1")));
  EXPECT_FALSE(tally.Has("weekly", "2026-10-03", *tree.Find("s1")));
}

TEST(WindowTally, AnUnknownWindowIgnoresAddsAndHasNobody) {
  const OrgTree tree = MakeTree();
  WindowTally tally;
  tally.Rebind(&tree);
  tally.Add("daily", "2026-10-03", "s1");  // not loaded: its load will read the row
  EXPECT_FALSE(tally.Knows("daily", "2026-10-03"));
  EXPECT_EQ(tally.Without("daily", "2026-10-03", Schools(tree)).size(), Schools(tree).size());
}

TEST(WindowTally, AForgottenWindowHasNobodyAgain) {
  const OrgTree tree = MakeTree();
  WindowTally tally;
  tally.Rebind(&tree);
  tally.Load("daily", "2026-10-03", std::vector<std::string>{"s1"});
  tally.Forget("daily", "2026-10-03");
  EXPECT_FALSE(tally.Knows("daily", "2026-10-03"));
  EXPECT_FALSE(tally.Has("daily", "2026-10-03", *tree.Find("s1")));
  EXPECT_EQ(tally.windows(), 0u);
}

TEST(WindowTally, AnotherTreeStartsEmptyAndItsUnitsAreNeverTakenForOurs) {
  const OrgTree first = MakeTree();
  const OrgTree second = MakeTree();
  WindowTally tally;
  tally.Rebind(&first);
  tally.Load("daily", "2026-10-03", std::vector<std::string>{"s1", "s2"});
  // A unit of the other tree at the same position is not a reported school here.
  EXPECT_FALSE(tally.Has("daily", "2026-10-03", *second.Find("s1")));
  EXPECT_EQ(Ids(tally.Without("daily", "2026-10-03", Schools(second))), Ids(Schools(second)));
  tally.Rebind(&first);  // the same tree: nothing dropped
  EXPECT_TRUE(tally.Knows("daily", "2026-10-03"));
  tally.Rebind(&second);
  EXPECT_FALSE(tally.Knows("daily", "2026-10-03"));
  EXPECT_EQ(tally.tree(), &second);
}

}  // namespace
}  // namespace pingan::core

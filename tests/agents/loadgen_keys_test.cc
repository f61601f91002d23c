// pingan-loadgen's school keys: derived deterministically from the seed, usable for
// CURVE, and written in the forms the daemon's key loader (wire::LoadSchoolKeys) reads.
#include "agents/loadgen_keys.h"

#include <gtest/gtest.h>
#include <zmq.h>

#include <filesystem>
#include <set>

#include "tests/fakes/temp_dir.h"

namespace pingan::agent::loadgen {
namespace {

using testing::TempDir;

FleetNaming Fleet(int64_t schools, int64_t first = 0) {
  FleetNaming n;
  n.seed = "test-seed";
  n.prefix = "lg-";
  n.first = first;
  n.schools = schools;
  return n;
}

TEST(LoadgenKeys, SchoolIdsArePrefixedAndZeroPadded) {
  EXPECT_EQ(SchoolId(Fleet(1), 7), "lg-000007");
  EXPECT_EQ(SchoolId(Fleet(1), 519999), "lg-519999");
  EXPECT_EQ(SchoolId(Fleet(1), 12345678), "lg-12345678");
  EXPECT_TRUE(core::IsValidSchoolId(SchoolId(Fleet(1), 3)));
}

TEST(LoadgenKeys, DerivationIsDeterministicAndDistinct) {
  const auto a = DeriveSchoolKeys("seed", 42);
  const auto again = DeriveSchoolKeys("seed", 42);
  EXPECT_EQ(a.public_z85, again.public_z85);
  EXPECT_EQ(a.secret_z85, again.secret_z85);
  EXPECT_NE(DeriveSchoolKeys("seed", 43).public_z85, a.public_z85);
  EXPECT_NE(DeriveSchoolKeys("other", 42).public_z85, a.public_z85);
  std::set<std::string> keys;
  for (int i = 0; i < 500; ++i) keys.insert(DeriveSchoolKeys("seed", i).public_z85);
  EXPECT_EQ(keys.size(), 500u);
}

TEST(LoadgenKeys, DerivedPairsAreValidCurveKeyPairs) {
  const auto keys = DeriveSchoolKeys("seed", 1);
  EXPECT_TRUE(wire::IsZ85Key(keys.public_z85));
  EXPECT_TRUE(wire::IsZ85Key(keys.secret_z85));
  char derived[41] = {};
  ASSERT_EQ(zmq_curve_public(derived, keys.secret_z85.c_str()), 0);
  EXPECT_EQ(keys.public_z85, derived);
}

TEST(LoadgenKeys, ListFileLoadsInTheDaemonsLoaderWithTheDerivedKeys) {
  TempDir dir;
  const auto fleet = Fleet(50, 1000);
  ASSERT_EQ(WriteLoadgenKeys(fleet, KeyFormat::kList, dir.File("keys")), std::nullopt);
  auto loaded = wire::LoadSchoolKeys(dir.File("keys") + "/" + kKeyListName);
  ASSERT_TRUE(std::holds_alternative<wire::SchoolKeys>(loaded))
      << std::get<wire::KeyError>(loaded).message;
  const auto& keys = std::get<wire::SchoolKeys>(loaded);
  ASSERT_EQ(keys.size(), 50u);
  for (int64_t n = 1000; n < 1050; ++n) {
    EXPECT_EQ(keys.at(SchoolId(fleet, n)), DeriveSchoolKeys("test-seed", n).public_z85);
  }
}

TEST(LoadgenKeys, DirectoryFormIsOnePubFilePerSchoolAsEnrolmentWritesIt) {
  TempDir dir;
  const auto fleet = Fleet(5);
  ASSERT_EQ(WriteLoadgenKeys(fleet, KeyFormat::kDirectory, dir.File("schools")), std::nullopt);
  EXPECT_TRUE(std::filesystem::exists(dir.File("schools/lg-000004.pub")));
  auto loaded = wire::LoadSchoolKeys(dir.File("schools"));
  ASSERT_TRUE(std::holds_alternative<wire::SchoolKeys>(loaded));
  const auto& keys = std::get<wire::SchoolKeys>(loaded);
  EXPECT_EQ(keys.size(), 5u);
  EXPECT_EQ(keys.at("lg-000002"), DeriveSchoolKeys("test-seed", 2).public_z85);
}

TEST(LoadgenKeys, RefusesToOverwriteKeys) {
  TempDir dir;
  ASSERT_EQ(WriteLoadgenKeys(Fleet(2), KeyFormat::kList, dir.File("k")), std::nullopt);
  EXPECT_NE(WriteLoadgenKeys(Fleet(2), KeyFormat::kList, dir.File("k")), std::nullopt);
  ASSERT_EQ(WriteLoadgenKeys(Fleet(2), KeyFormat::kDirectory, dir.File("d")), std::nullopt);
  EXPECT_NE(WriteLoadgenKeys(Fleet(2), KeyFormat::kDirectory, dir.File("d")), std::nullopt);
}

}  // namespace
}  // namespace pingan::agent::loadgen

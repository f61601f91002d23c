#include "daemon/ingest/curve_keys.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "tests/fakes/temp_dir.h"

namespace pingan::wire {
namespace {

template <typename T>
std::string ErrorOf(const T& result) {
  const auto* err = std::get_if<KeyError>(&result);
  return err ? err->message : "";
}

TEST(CurveKeys, WritesSecretWithMode0600AndReadsItBack) {
  testing::TempDir dir;
  const CurveKeyPair keys = GenerateCurveKeyPair();
  ASSERT_EQ(ErrorOf(WriteKeyPair(dir.File("school"), keys)), "");
  struct stat st {};
  ASSERT_EQ(::stat(dir.File("school.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  auto secret = ReadSecretKeyFile(dir.File("school.key"));
  ASSERT_EQ(ErrorOf(secret), "");
  EXPECT_EQ(std::get<CurveKeyPair>(secret).secret_z85, keys.secret_z85);
  EXPECT_EQ(std::get<std::string>(ReadPublicKeyFile(dir.File("school.pub"))), keys.public_z85);
  EXPECT_NE(ErrorOf(WriteKeyPair(dir.File("school"), keys)), "") << "never overwrites a key";
}

TEST(CurveKeys, AWriteCutShortLeavesNoKeyAndIsDoneOverNextTime) {
  testing::TempDir dir;
  // What a SIGKILL mid-write left: the temporary file, never the key itself.
  std::ofstream(dir.File("daemon.key.tmp")) << "public: half";
  const CurveKeyPair keys = GenerateCurveKeyPair();
  ASSERT_EQ(ErrorOf(WriteKeyPair(dir.File("daemon"), keys)), "");
  EXPECT_EQ(std::get<CurveKeyPair>(ReadSecretKeyFile(dir.File("daemon.key"))).secret_z85,
            keys.secret_z85);
  EXPECT_FALSE(std::filesystem::exists(dir.File("daemon.key.tmp")));
  EXPECT_FALSE(std::filesystem::exists(dir.File("daemon.pub.tmp")));
}

TEST(CurveKeys, WritesAMissingPublicKeyFileButNeverOverwritesOne) {
  testing::TempDir dir;
  const CurveKeyPair keys = GenerateCurveKeyPair();
  EXPECT_EQ(WritePublicKeyFile(dir.File("d.pub"), keys.public_z85), std::nullopt);
  EXPECT_EQ(std::get<std::string>(ReadPublicKeyFile(dir.File("d.pub"))), keys.public_z85);
  const auto again = WritePublicKeyFile(dir.File("d.pub"), GenerateCurveKeyPair().public_z85);
  ASSERT_TRUE(again.has_value());
  EXPECT_NE(again->message.find("d.pub"), std::string::npos);
  EXPECT_EQ(std::get<std::string>(ReadPublicKeyFile(dir.File("d.pub"))), keys.public_z85);
}

TEST(CurveKeys, RefusesASecretKeyReadableByOthers) {
  testing::TempDir dir;
  ASSERT_EQ(ErrorOf(WriteKeyPair(dir.File("k"), GenerateCurveKeyPair())), "");
  ::chmod(dir.File("k.key").c_str(), 0644);
  EXPECT_NE(ErrorOf(ReadSecretKeyFile(dir.File("k.key"))).find("chmod 600"), std::string::npos);
}

TEST(CurveKeys, LoadsSchoolKeysFromADirectoryOrAListFile) {
  testing::TempDir dir;
  std::filesystem::create_directory(dir.path() / "schools");
  const CurveKeyPair a = GenerateCurveKeyPair(), b = GenerateCurveKeyPair();
  ASSERT_EQ(ErrorOf(WriteKeyPair(dir.File("schools/sch-a"), a)), "");
  ASSERT_EQ(ErrorOf(WriteKeyPair(dir.File("schools/sch-b"), b)), "");
  auto from_dir = LoadSchoolKeys(dir.File("schools"));
  ASSERT_EQ(ErrorOf(from_dir), "");
  EXPECT_EQ(std::get<SchoolKeys>(from_dir),
            (SchoolKeys{{"sch-a", a.public_z85}, {"sch-b", b.public_z85}}));

  std::ofstream(dir.File("list")) << "# school keys\nsch-a " << a.public_z85 << "\n\nsch-b "
                                  << b.public_z85 << "\n";
  EXPECT_EQ(std::get<SchoolKeys>(LoadSchoolKeys(dir.File("list"))), std::get<SchoolKeys>(from_dir));
}

TEST(CurveKeys, ListErrorsNameTheLine) {
  testing::TempDir dir;
  const CurveKeyPair a = GenerateCurveKeyPair();
  std::ofstream(dir.File("bad")) << "sch-a " << a.public_z85 << "\nsch-b not-a-key\n";
  EXPECT_NE(ErrorOf(LoadSchoolKeys(dir.File("bad"))).find("bad:2:"), std::string::npos);
  std::ofstream(dir.File("shared"))
      << "sch-a " << a.public_z85 << "\nsch-b " << a.public_z85 << "\n";
  EXPECT_NE(ErrorOf(LoadSchoolKeys(dir.File("shared"))).find("already another school"),
            std::string::npos)
      << "one key must name exactly one school";
  std::ofstream(dir.File("twice"))
      << "sch-a " << a.public_z85 << "\nsch-a " << GenerateCurveKeyPair().public_z85 << "\n";
  EXPECT_NE(ErrorOf(LoadSchoolKeys(dir.File("twice"))).find("listed twice"), std::string::npos);
}

TEST(CurveKeys, ReloadingSkipsBadEntriesAndKeepsTheRest) {
  testing::TempDir dir;
  std::filesystem::create_directory(dir.path() / "schools");
  const CurveKeyPair a = GenerateCurveKeyPair(), b = GenerateCurveKeyPair();
  ASSERT_EQ(ErrorOf(WriteKeyPair(dir.File("schools/sch-a"), a)), "");
  ASSERT_EQ(ErrorOf(WriteKeyPair(dir.File("schools/sch-b"), b)), "");
  std::ofstream(dir.File("schools/broken.pub")) << "not a key\n";
  std::ofstream(dir.File("schools/sch-c.pub")) << a.public_z85 << "\n";  // a's key again
  EXPECT_NE(ErrorOf(LoadSchoolKeys(dir.File("schools"))), "") << "enrolment stays strict";

  std::vector<KeyError> skipped;
  auto usable = LoadUsableSchoolKeys(dir.File("schools"), &skipped);
  ASSERT_EQ(ErrorOf(usable), "");
  EXPECT_EQ(std::get<SchoolKeys>(usable),
            (SchoolKeys{{"sch-a", a.public_z85}, {"sch-b", b.public_z85}}));
  ASSERT_EQ(skipped.size(), 2u);
  EXPECT_NE(skipped[0].message.find("broken.pub"), std::string::npos) << skipped[0].message;
  EXPECT_NE(skipped[1].message.find("already another school"), std::string::npos);

  std::ofstream(dir.File("list")) << "sch-a " << a.public_z85 << "\nsch-b not-a-key\nsch-c "
                                  << b.public_z85 << "\n";
  skipped.clear();
  usable = LoadUsableSchoolKeys(dir.File("list"), &skipped);
  EXPECT_EQ(std::get<SchoolKeys>(usable),
            (SchoolKeys{{"sch-a", a.public_z85}, {"sch-c", b.public_z85}}));
  ASSERT_EQ(skipped.size(), 1u);
  EXPECT_NE(skipped[0].message.find("list:2:"), std::string::npos);
  EXPECT_NE(ErrorOf(LoadUsableSchoolKeys(dir.File("nowhere"), &skipped)), "");
}

}  // namespace
}  // namespace pingan::wire

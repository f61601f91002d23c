// keys.list / keys.enroll / keys.revoke over the control channel: files in the key
// directory, what the ZAP loader then sees, reloads and audit entries.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "daemon/config/school_keys.h"
#include "daemon/ingest/curve_keys.h"
#include "tests/services/admin_support.h"

namespace pingan::services {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

class KeyCommandsTest : public testing::AdminCommandsFixture {
 protected:
  wire::SchoolKeys Loaded() {
    auto keys = wire::LoadSchoolKeys(KeyDir());
    EXPECT_TRUE(std::holds_alternative<wire::SchoolKeys>(keys));
    return std::get<wire::SchoolKeys>(keys);
  }
};

TEST_F(KeyCommandsTest, EnrolWritesAKeyTheLoaderAcceptsAndReloads) {
  const wire::CurveKeyPair keys = wire::GenerateCurveKeyPair();
  const json done = Ok("keys.enroll",
                       {{"school", "a1"}, {"public_key", keys.public_z85}, {"actor", "token:ops"}});
  EXPECT_FALSE(done["replaced"].get<bool>());
  EXPECT_EQ(done["fingerprint"], config::KeyFingerprint(keys.public_z85));
  EXPECT_EQ(Loaded(), (wire::SchoolKeys{{"a1", keys.public_z85}}));
  EXPECT_EQ(reloads_, 1);
  struct stat st {};
  ASSERT_EQ(::stat((fs::path(KeyDir()) / "a1.pub").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u);
  const auto audit = Audit();
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0].actor, "token:ops");
  EXPECT_EQ(audit[0].action, "keys.enroll");
  EXPECT_EQ(audit[0].object, "a1");
  // Listed with the school's name and the enrolment time.
  const json listed = Ok("keys.list", json::object());
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0]["school_name"], "甲一小学");
  EXPECT_TRUE(listed[0]["in_org"].get<bool>());
  EXPECT_EQ(listed[0]["public_key"], keys.public_z85);
  EXPECT_FALSE(listed[0]["enrolled_at"].is_null());
}

TEST_F(KeyCommandsTest, AReplacedKeyIsReportedAndTheSameKeyAgainChangesNothing) {
  const auto first = wire::GenerateCurveKeyPair();
  const auto second = wire::GenerateCurveKeyPair();
  Ok("keys.enroll", {{"school", "b1"}, {"public_key", first.public_z85}});
  const json replaced = Ok("keys.enroll", {{"school", "b1"}, {"public_key", second.public_z85}});
  EXPECT_TRUE(replaced["replaced"].get<bool>());
  EXPECT_EQ(replaced["previous_fingerprint"], config::KeyFingerprint(first.public_z85));
  EXPECT_EQ(Loaded().at("b1"), second.public_z85);
  const json again = Ok("keys.enroll", {{"school", "b1"}, {"public_key", second.public_z85}});
  EXPECT_TRUE(again["unchanged"].get<bool>());
  EXPECT_EQ(reloads_, 2);  // the repeat neither reloads nor audits
  EXPECT_EQ(Audit().size(), 2u);
}

TEST_F(KeyCommandsTest, BadKeysUnknownSchoolsAndSharedKeysAreRefusedAndWriteNothing) {
  const auto keys = wire::GenerateCurveKeyPair();
  EXPECT_EQ(ErrorCode("keys.enroll", {{"school", "a1"}, {"public_key", "not-a-key"}}),
            "bad_request");
  EXPECT_EQ(ErrorCode("keys.enroll",
                      {{"school", "a1"}, {"public_key", keys.public_z85.substr(0, 39) + "\""}}),
            "bad_request");
  EXPECT_EQ(ErrorCode("keys.enroll", {{"school", "nowhere"}, {"public_key", keys.public_z85}}),
            "not_found");
  EXPECT_EQ(ErrorCode("keys.enroll", {{"school", "../a1"}, {"public_key", keys.public_z85}}),
            "not_found");
  EXPECT_EQ(ErrorCode("keys.enroll", {{"school", "a1"}}), "bad_request");
  EXPECT_TRUE(!fs::exists(KeyDir()) || fs::is_empty(KeyDir()));
  // One key must name exactly one school: the loader would refuse the whole directory.
  Ok("keys.enroll", {{"school", "a1"}, {"public_key", keys.public_z85}});
  EXPECT_EQ(ErrorCode("keys.enroll", {{"school", "b1"}, {"public_key", keys.public_z85}}),
            "refused");
  EXPECT_EQ(Loaded(), (wire::SchoolKeys{{"a1", keys.public_z85}}));
  EXPECT_EQ(reloads_, 1);
}

TEST_F(KeyCommandsTest, RevokeMovesTheKeyAsideSoTheSchoolCannotConnect) {
  const auto keys = wire::GenerateCurveKeyPair();
  Ok("keys.enroll", {{"school", "a1"}, {"public_key", keys.public_z85}});
  const json revoked = Ok("keys.revoke", {{"school", "a1"}, {"actor", "user:admin"}});
  EXPECT_TRUE(revoked["revoked"].get<bool>());
  EXPECT_EQ(revoked["fingerprint"], config::KeyFingerprint(keys.public_z85));
  EXPECT_NE(revoked["note"].get<std::string>().find("already open are refused"), std::string::npos);
  EXPECT_TRUE(Loaded().empty());
  EXPECT_EQ(reloads_, 2);
  // Kept for investigation under a name the loader ignores, stamped with real time.
  EXPECT_TRUE(fs::exists(fs::path(KeyDir()) / "a1.pub.revoked-20260930T180000Z"));
  EXPECT_EQ(ErrorCode("keys.revoke", {{"school", "a1"}}), "not_found");
  const auto audit = Audit();
  ASSERT_EQ(audit.size(), 2u);
  EXPECT_EQ(audit[1].action, "keys.revoke");
  EXPECT_EQ(audit[1].actor, "user:admin");
  // Enrolling again works (a new keypair after a lost laptop).
  Ok("keys.enroll", {{"school", "a1"}, {"public_key", wire::GenerateCurveKeyPair().public_z85}});
  EXPECT_EQ(Loaded().size(), 1u);
}

TEST_F(KeyCommandsTest, AKeyListFileIsNotEditedThroughTheDaemon) {
  std::ofstream(KeyDir()) << "a1 " << wire::GenerateCurveKeyPair().public_z85 << "\n";
  EXPECT_EQ(ErrorCode("keys.enroll",
                      {{"school", "b1"}, {"public_key", wire::GenerateCurveKeyPair().public_z85}}),
            "refused");
  EXPECT_EQ(ErrorCode("keys.revoke", {{"school", "a1"}}), "refused");
  EXPECT_EQ(Ok("keys.list", json::object()).size(), 1u);  // but it is listed
  EXPECT_EQ(reloads_, 0);
}

TEST(KeyFingerprintTest, IsShortStableAndDiffersBetweenKeys) {
  const auto a = wire::GenerateCurveKeyPair();
  const auto b = wire::GenerateCurveKeyPair();
  EXPECT_EQ(config::KeyFingerprint(a.public_z85), config::KeyFingerprint(a.public_z85));
  EXPECT_NE(config::KeyFingerprint(a.public_z85), config::KeyFingerprint(b.public_z85));
  EXPECT_EQ(config::KeyFingerprint(a.public_z85).size(), 7u + 16u);
  EXPECT_EQ(config::KeyFingerprint("short"), "");
}

}  // namespace
}  // namespace pingan::services

// AdminService's typed operations (admin_service.h) over a real database, key directory
// and StoreWriter with fake clocks: what their typed answers hold, who the audit log
// names, and that the control commands answer exactly the JSON view of the same call
// (admin_json.h; the HTTP routes use the same views). The files the operations write
// are checked in key_commands_test, school_import_test and ledger_export_test.
#include "daemon/services/admin_service.h"

#include <gtest/gtest.h>

#include "daemon/ingest/curve_keys.h"
#include "daemon/services/admin_json.h"
#include "daemon/store/auth_repository.h"
#include "tests/services/admin_support.h"
#include "tests/services/error_code.h"

namespace pingan::services {
namespace {

using nlohmann::json;
using pingan::testing::CodeOf;
using testing::kOct1;

class AdminServiceTest : public testing::AdminCommandsFixture {};

TEST_F(AdminServiceTest, UsersAreListedAsStoredWithoutTheirHashes) {
  {
    store::Database db(dir_.File("pingan.db"));
    store::AuthRepository users(db);
    users.InsertUser({"wang", "$argon2id$secret", "leader", "district-a", false, kOct1});
    users.InsertUser({"li", "$argon2id$other", "admin", "", true, kOct1});
  }
  const std::vector<store::UserRow> listed = admin_->Users();
  ASSERT_EQ(listed.size(), 2u);
  for (const store::UserRow& u : listed) {
    EXPECT_TRUE(u.password_hash.empty()) << u.name;
    if (u.name == "wang") {
      EXPECT_EQ(u.scope_unit, "district-a");
    } else {
      EXPECT_TRUE(u.disabled) << u.name;
    }
  }
  const json answer = Ok("users.list", json::object());
  EXPECT_EQ(answer, ToJson(listed));
  EXPECT_EQ(answer.dump().find("argon2id"), std::string::npos);
}

TEST_F(AdminServiceTest, KeyChangesAreTypedAndAuditedUnderTheirActor) {
  const auto first = wire::GenerateCurveKeyPair();
  const auto second = wire::GenerateCurveKeyPair();
  const KeyEnrolment made = admin_->EnrolKey({"a1", first.public_z85, ""});
  EXPECT_EQ(made.school_id, "a1");
  EXPECT_EQ(made.fingerprint, config::KeyFingerprint(first.public_z85));
  EXPECT_FALSE(made.unchanged);
  EXPECT_FALSE(made.replaced.has_value());
  EXPECT_TRUE(admin_->EnrolKey({"a1", first.public_z85, ""}).unchanged);
  const KeyEnrolment replaced = admin_->EnrolKey({"a1", second.public_z85, "token:ops"});
  EXPECT_EQ(replaced.replaced, config::KeyFingerprint(first.public_z85));
  const std::vector<SchoolKey> keys = admin_->Keys();
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(keys[0].school_name, "甲一小学");
  EXPECT_TRUE(keys[0].in_org);
  EXPECT_EQ(keys[0].key.public_key, second.public_z85);
  EXPECT_EQ(Ok("keys.list", json::object()), ToJson(keys));
  const KeyRevocation revoked = admin_->RevokeKey({"a1", "user:admin"});
  EXPECT_EQ(revoked.fingerprint, config::KeyFingerprint(second.public_z85));
  EXPECT_TRUE(admin_->Keys().empty());
  EXPECT_EQ(reloads_, 3) << "each change reloads the keys, the repeat does not";
  const auto audit = Audit();
  ASSERT_EQ(audit.size(), 3u);
  EXPECT_EQ(audit[0].actor, "control") << "no actor: the local control socket";
  EXPECT_EQ(audit[1].actor, "token:ops");
  EXPECT_EQ(audit[1].detail,
            "fingerprint=" + replaced.fingerprint + " replaced=" + made.fingerprint);
  EXPECT_EQ(audit[2].action, "keys.revoke");
  EXPECT_EQ(audit[2].actor, "user:admin");
  EXPECT_EQ(CodeOf([&] { admin_->EnrolKey({"", first.public_z85, ""}); }), "bad_request");
  EXPECT_EQ(CodeOf([&] { admin_->EnrolKey({"zz", first.public_z85, ""}); }), "not_found");
  EXPECT_EQ(CodeOf([&] { admin_->RevokeKey({"a1", ""}); }), "not_found");
}

TEST_F(AdminServiceTest, AnImportAnswersItsIdsAndEveryErrorTyped) {
  const std::string csv = "id,name,kind,parent\nb2,乙二小学,school,district-b\n";
  const SchoolImport dry = admin_->ImportSchools({csv, true, "new.csv", "user:admin"});
  EXPECT_FALSE(dry.applied);
  EXPECT_TRUE(dry.dry_run);
  EXPECT_EQ(dry.added, std::vector<std::string>{"b2"});
  EXPECT_EQ(schedules_.Get()->tree.Find("b2"), nullptr) << "a dry run changes nothing";
  const SchoolImport bad =
      admin_->ImportSchools({"id,name,kind,parent\nb3,,school,nowhere\n", false, "bad.csv", ""});
  EXPECT_FALSE(bad.applied);
  ASSERT_FALSE(bad.errors.empty());
  EXPECT_EQ(bad.errors[0].line, 2);
  EXPECT_EQ(bad.errors[0].file, "bad.csv");
  const SchoolImport done = admin_->ImportSchools({csv, false, "new.csv", "user:admin"});
  EXPECT_TRUE(done.applied);
  EXPECT_EQ(done.unchanged, 0);
  EXPECT_NE(schedules_.Get()->tree.Find("b2"), nullptr);
  // The command answers the view of the same call (b2 now exists: unchanged).
  EXPECT_EQ(Ok("schools.import", {{"csv", csv}}), ToJson(SchoolImport{true, false, {}, {}, 1, {}}));
  const auto audit = Audit();
  ASSERT_EQ(audit.size(), 2u) << "dry runs and refused files are not audited";
  EXPECT_EQ(audit[0].object, "new.csv");
  EXPECT_EQ(audit[1].actor, "control");
  EXPECT_EQ(audit[1].object, "import.csv");
  EXPECT_EQ(CodeOf([&] { admin_->ImportSchools({"", false, "x.csv", ""}); }), "bad_request");
  schedules_.Set(nullptr);
  EXPECT_EQ(CodeOf([&] { admin_->ImportSchools({csv, false, "x.csv", ""}); }), "no_schedule");
}

TEST_F(AdminServiceTest, AnExportIsTypedAndItsPeriodIsParsedOnce) {
  const ExportRequest request = ParseExportRequest("2026-10-01", "2026-10-02", "district-a", "");
  EXPECT_EQ(request.from, date::year{2026} / 10 / 1);
  EXPECT_EQ(request.to, date::year{2026} / 10 / 2);
  const LedgerExport exported = admin_->ExportLedger(request);
  EXPECT_EQ(exported.from, request.from);
  EXPECT_EQ(exported.rows, 4u) << "a1 and a2 (paused: excused) on two days";
  EXPECT_EQ(exported.csv.rfind("\xEF\xBB\xBF", 0), 0u) << "a BOM first";
  EXPECT_EQ(
      Ok("export.ledger", {{"from", "2026-10-01"}, {"to", "2026-10-02"}, {"unit", "district-a"}}),
      ToJson(exported));
  EXPECT_EQ(CodeOf([] { ParseExportRequest("", "2026-10-02", "", ""); }), "bad_request");
  EXPECT_EQ(CodeOf([] { ParseExportRequest("2026-10-01", "10/02", "", ""); }), "bad_request");
  EXPECT_EQ(
      CodeOf([&] {
        admin_->ExportLedger(ParseExportRequest("2026-10-01", "2026-10-02", "b1", "district-a"));
      }),
      "not_found")
      << "outside a leader's scope";
  EXPECT_EQ(
      CodeOf([&] { admin_->ExportLedger(ParseExportRequest("2026-10-02", "2026-10-01", "", "")); }),
      "bad_request");
}

}  // namespace
}  // namespace pingan::services

#include "daemon/store/text_seal.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include <sodium.h>
#include <sqlite3.h>

#include "daemon/store/handover_repository.h"
#include "tests/fakes/temp_dir.h"

namespace pingan::store {
namespace {

TextKey KeyOf(uint8_t fill) {
  TextKey key{};
  key.fill(fill);
  return key;
}

TEST(TextSeal, AKeyIsMadeOnceWithOwnerOnlyAccessAndReadBack) {
  testing::TempDir dir;
  const std::string path = dir.File("text.key");
  auto first = LoadOrCreateTextKey(path);
  ASSERT_TRUE(std::holds_alternative<TextKey>(first)) << std::get<std::string>(first);
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto again = LoadOrCreateTextKey(path);
  ASSERT_TRUE(std::holds_alternative<TextKey>(again));
  EXPECT_EQ(std::get<TextKey>(first), std::get<TextKey>(again));

  ::chmod(path.c_str(), 0640);
  EXPECT_NE(std::get<std::string>(LoadOrCreateTextKey(path)).find("chmod 600"), std::string::npos);
  std::ofstream(dir.File("bad.key")) << "not a key\n";
  ::chmod(dir.File("bad.key").c_str(), 0600);
  EXPECT_TRUE(std::holds_alternative<std::string>(LoadOrCreateTextKey(dir.File("bad.key"))));
}

TEST(TextSeal, TextIsSealedAsABlobAndOpensOnlyWithItsKey) {
  testing::TempDir dir;
  const std::string path = dir.File("pingan.db");
  RegisterTextKey(path, KeyOf(7));
  Database db(path);
  auto sealed = db.sql().execAndGet("SELECT seal_text('王老师组织撤离')");
  EXPECT_EQ(sealed.getType(), SQLITE_BLOB);
  EXPECT_EQ(db.sql().execAndGet("SELECT open_text(seal_text('王老师组织撤离'))").getString(),
            "王老师组织撤离");
  EXPECT_TRUE(db.sql().execAndGet("SELECT open_text(NULL)").isNull());
  EXPECT_EQ(db.sql().execAndGet("SELECT open_text('plain, from before')").getString(),
            "plain, from before");

  // The same file under another key: a loud error, not empty or garbled text.
  db.sql().exec("CREATE TABLE t (v)");
  db.sql().exec("INSERT INTO t VALUES (seal_text('秘密'))");
  RegisterTextKey(path, KeyOf(8));
  Database other(path);
  try {
    other.sql().execAndGet("SELECT open_text(v) FROM t");
    ADD_FAILURE() << "opened with the wrong key";
  } catch (const SQLite::Exception& e) {
    EXPECT_NE(std::string(e.what()).find("text.key"), std::string::npos) << e.what();
  }
}

TEST(TextSeal, PlainTextFromBeforeIsSealedInPlace) {
  testing::TempDir dir;
  const std::string path = dir.File("pingan.db");
  RegisterTextKey(path, KeyOf(9));
  Database db(path);
  db.sql().exec(
      "INSERT INTO reports (report_id, school_id, kind, covers, agent_time_ms, received_at_ms) "
      "VALUES ('r1', 's1', 'incident', '2026-10-01', 0, 0)");
  db.sql().exec("INSERT INTO incident_texts VALUES ('r1', '旧的明文', 99)");
  db.sql().exec(
      "INSERT INTO incident_notes (report_id, seq, at_ms, author, kind, text, purge_after_ms) "
      "VALUES ('r1', 1, 0, 'duty', 'note', '旧的备注', 99)");
  db.sql().exec(
      "INSERT INTO handovers (handover_id, note, signed_by, signed_at_ms) "
      "VALUES ('h1', '旧的交班记录', 'duty', 0)");
  EXPECT_EQ(ResealTexts(db), 3);
  EXPECT_EQ(db.sql().execAndGet("SELECT typeof(summary) FROM incident_texts").getString(), "blob");
  EXPECT_EQ(db.sql().execAndGet("SELECT open_text(summary) FROM incident_texts").getString(),
            "旧的明文");
  EXPECT_EQ(db.sql().execAndGet("SELECT open_text(text) FROM incident_notes").getString(),
            "旧的备注");
  EXPECT_EQ(db.sql().execAndGet("SELECT typeof(note) FROM handovers").getString(), "blob");
  EXPECT_EQ(HandoverRepository(db).Find("h1")->note, "旧的交班记录");
  EXPECT_EQ(ResealTexts(db), 0) << "nothing twice";
}

void AddIncidentText(Database& db, const std::string& id, const std::string& summary) {
  db.sql().exec(
      "INSERT INTO reports (report_id, school_id, kind, covers, agent_time_ms, received_at_ms) "
      "VALUES ('" +
      id + "', 's1', 'incident', '2026-10-01', 0, 0)");
  SQLite::Statement insert(db.sql(), "INSERT INTO incident_texts VALUES (?1, seal_text(?2), 99)");
  insert.bind(1, id);
  insert.bind(2, summary);
  insert.exec();
}

std::string SummaryOf(Database& db, const std::string& id) {
  SQLite::Statement q(db.sql(),
                      "SELECT open_text(summary) FROM incident_texts WHERE report_id = ?1");
  q.bind(1, id);
  return q.executeStep() ? q.getColumn(0).getString() : "";
}

TextKey KeyIn(const std::string& path) {
  auto key = LoadOrCreateTextKey(path);
  EXPECT_TRUE(std::holds_alternative<TextKey>(key));
  return std::get<TextKey>(key);
}

// Rotation: every text sealed under the new key in one go, the old key kept apart as
// retired (for older backups), connections already open (the read pool) follow at once.
TEST(TextSeal, RotationResealsEverythingUnderANewKeyAndRetiresTheOld) {
  testing::TempDir dir;
  const std::string db_path = dir.File("pingan.db");
  const std::string key_path = dir.File("text.key");
  auto loaded = LoadTextKeys(key_path);
  ASSERT_TRUE(std::holds_alternative<TextKeys>(loaded)) << std::get<std::string>(loaded);
  const TextKey old_key = std::get<TextKeys>(loaded).current;
  RegisterTextKeys(db_path, std::get<TextKeys>(loaded));
  Database writer(db_path);
  Database reader(db_path);
  AddIncidentText(writer, "r1", "食堂午餐后三名学生呕吐");
  AddIncidentText(writer, "r2", "操场围墙裂缝");

  auto rotated = RotateTextKey(writer, key_path);
  ASSERT_TRUE(std::holds_alternative<TextKeyRotation>(rotated)) << std::get<std::string>(rotated);
  const TextKeyRotation& r = std::get<TextKeyRotation>(rotated);
  EXPECT_EQ(r.resealed, 2);
  EXPECT_NE(KeyIn(key_path), old_key);
  EXPECT_EQ(KeyIn(r.retired_file), old_key);
  EXPECT_FALSE(std::filesystem::exists(key_path + ".next"));
  EXPECT_EQ(ResealTexts(writer), 0) << "all under the new key";
  EXPECT_EQ(SummaryOf(reader, "r1"), "食堂午餐后三名学生呕吐");

  // Under the new key alone (the retired file gone) every text still opens.
  std::filesystem::remove(r.retired_file);
  RegisterTextKey(db_path, KeyIn(key_path));
  EXPECT_EQ(SummaryOf(reader, "r2"), "操场围墙裂缝");
}

// A crash after the reseal committed but before the key files were renamed: the next
// start finishes the rotation, and the texts open.
TEST(TextSeal, ARotationCutShortIsFinishedAtTheNextLoad) {
  testing::TempDir dir;
  const std::string key_path = dir.File("text.key");
  const TextKey old_key = KeyIn(key_path);
  const TextKey new_key = KeyIn(key_path + ".next");  // what a rotation writes first

  auto loaded = LoadTextKeys(key_path);
  ASSERT_TRUE(std::holds_alternative<TextKeys>(loaded)) << std::get<std::string>(loaded);
  const TextKeys& keys = std::get<TextKeys>(loaded);
  EXPECT_EQ(keys.current, new_key);
  ASSERT_EQ(keys.retired.size(), 1u);
  EXPECT_EQ(keys.retired[0], old_key);
  EXPECT_FALSE(std::filesystem::exists(key_path + ".next"));

  // Texts still under the old key (the crash came before the commit) are resealed.
  const std::string db_path = dir.File("pingan.db");
  RegisterTextKey(db_path, old_key);
  Database db(db_path);
  AddIncidentText(db, "r1", "旧钥匙下的文字");
  RegisterTextKeys(db_path, keys);
  EXPECT_EQ(ResealTexts(db), 1);
  RegisterTextKey(db_path, new_key);
  EXPECT_EQ(SummaryOf(db, "r1"), "旧钥匙下的文字");
}

TEST(TextSeal, ASecondRotationWaitsUntilACutShortOneIsFinished) {
  testing::TempDir dir;
  const std::string db_path = dir.File("pingan.db");
  const std::string key_path = dir.File("text.key");
  const TextKey key = KeyIn(key_path);
  RegisterTextKey(db_path, key);
  Database db(db_path);
  AddIncidentText(db, "r1", "文字");
  KeyIn(key_path + ".next");
  auto rotated = RotateTextKey(db, key_path);
  ASSERT_TRUE(std::holds_alternative<std::string>(rotated));
  EXPECT_NE(std::get<std::string>(rotated).find("restart pingand"), std::string::npos);
  EXPECT_EQ(KeyIn(key_path), key);
  EXPECT_EQ(SummaryOf(db, "r1"), "文字");
}

// Text sealed by the first format (XSalsa20-Poly1305, nonce first, no key id) still
// opens, and is moved to the current format by ResealTexts.
TEST(TextSeal, TheFirstFormatStillOpensAndIsResealed) {
  testing::TempDir dir;
  const std::string db_path = dir.File("pingan.db");
  const TextKey key = KeyOf(5);
  RegisterTextKey(db_path, key);
  Database db(db_path);
  AddIncidentText(db, "r1", "placeholder");
  const std::string plain = "第一种格式";
  std::string old(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + plain.size(), '\0');
  auto* out = reinterpret_cast<unsigned char*>(old.data());
  randombytes_buf(out, crypto_secretbox_NONCEBYTES);
  crypto_secretbox_easy(out + crypto_secretbox_NONCEBYTES,
                        reinterpret_cast<const unsigned char*>(plain.data()), plain.size(), out,
                        key.data());
  SQLite::Statement update(db.sql(), "UPDATE incident_texts SET summary = ?1");
  update.bind(1, old.data(), static_cast<int>(old.size()));
  update.exec();
  EXPECT_EQ(SummaryOf(db, "r1"), plain);
  EXPECT_EQ(ResealTexts(db), 1);
  EXPECT_EQ(ResealTexts(db), 0);
  EXPECT_EQ(SummaryOf(db, "r1"), plain);
}

}  // namespace
}  // namespace pingan::store

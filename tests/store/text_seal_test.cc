#include "daemon/store/text_seal.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include <sqlite3.h>

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
  EXPECT_EQ(SealPlainTexts(db), 2);
  EXPECT_EQ(db.sql().execAndGet("SELECT typeof(summary) FROM incident_texts").getString(), "blob");
  EXPECT_EQ(db.sql().execAndGet("SELECT open_text(summary) FROM incident_texts").getString(),
            "旧的明文");
  EXPECT_EQ(db.sql().execAndGet("SELECT open_text(text) FROM incident_notes").getString(),
            "旧的备注");
  EXPECT_EQ(SealPlainTexts(db), 0) << "nothing twice";
}

}  // namespace
}  // namespace pingan::store

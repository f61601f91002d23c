#include "daemon/store/write_transaction.h"

#include <gtest/gtest.h>

#include "daemon/store/alert_repository.h"
#include "daemon/store/database.h"
#include "tests/fakes/temp_dir.h"

namespace pingan::store {
namespace {

core::Alert NewAlert(const std::string& id) {
  core::Alert a;
  a.id = id;
  a.school_id = "s1";
  a.created_at = core::Instant{std::chrono::hours{1}};
  return a;
}

TEST(WriteTransaction, CommittedWritesStayAndAbandonedOnesRollBack) {
  testing::TempDir dir;
  Database db(dir.File("pingan.db"));
  {
    WriteTransaction tx(db);
    AlertRepository(db).Insert(NewAlert("kept"));
    tx.Commit();
  }
  {
    WriteTransaction tx(db);
    AlertRepository(db).Insert(NewAlert("dropped"));
  }  // no Commit: rolled back
  AlertRepository alerts(db);
  EXPECT_TRUE(alerts.Find("kept").has_value());
  EXPECT_FALSE(alerts.Find("dropped").has_value());
}

}  // namespace
}  // namespace pingan::store

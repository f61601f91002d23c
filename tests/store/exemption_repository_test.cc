#include "daemon/store/exemption_repository.h"

#include <gtest/gtest.h>

#include <SQLiteCpp/Statement.h>

#include "daemon/store/database.h"
#include "daemon/store/ledger_repository.h"
#include "tests/fakes/temp_dir.h"

namespace pingan::store {
namespace {

using namespace std::chrono_literals;

const core::Instant kT0 = date::sys_days{date::year{2026} / 10 / 3} + 8h;

core::Exemption Make(std::string id, unsigned first, unsigned last,
                     std::vector<std::string> requirements, core::Instant at) {
  core::Exemption e;
  e.id = std::move(id);
  e.first = date::year{2026} / 10 / first;
  e.last = date::year{2026} / 10 / last;
  e.scope_unit_id = "d1";
  e.requirement_ids = std::move(requirements);
  e.reason = "台风停课";
  e.created_by = "王五";
  e.created_at = at;
  return e;
}

class ExemptionRepositoryTest : public ::testing::Test {
 protected:
  ExemptionRepositoryTest() : db_(dir_.File("pingan.db")), repo_(db_) {}
  testing::TempDir dir_;
  Database db_;
  ExemptionRepository repo_;
};

TEST_F(ExemptionRepositoryTest, KeepsEveryFieldAndRefusesARepeatedId) {
  const core::Exemption e = Make("ex-1", 3, 4, {"daily", "monthly"}, kT0);
  ASSERT_TRUE(repo_.Insert(e));
  EXPECT_FALSE(repo_.Insert(e));
  EXPECT_EQ(repo_.Find("ex-1"), e);
  EXPECT_FALSE(repo_.Find("ex-2"));
  const core::Exemption all = Make("ex-2", 5, 5, {}, kT0 + 1min);
  ASSERT_TRUE(repo_.Insert(all));
  EXPECT_TRUE(repo_.Find("ex-2")->requirement_ids.empty());
}

TEST_F(ExemptionRepositoryTest, AWithdrawalKeepsTheRowAndHappensOnce) {
  ASSERT_TRUE(repo_.Insert(Make("ex-1", 3, 4, {}, kT0)));
  ASSERT_TRUE(repo_.Insert(Make("ex-2", 5, 6, {}, kT0 + 1min)));
  EXPECT_TRUE(repo_.Withdraw("ex-1", "李四", kT0 + 1h));
  EXPECT_FALSE(repo_.Withdraw("ex-1", "李四", kT0 + 2h));
  EXPECT_FALSE(repo_.Withdraw("nope", "李四", kT0 + 2h));
  const auto e = repo_.Find("ex-1");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->withdrawn_by, "李四");
  EXPECT_EQ(e->withdrawn_at, kT0 + 1h);
  ASSERT_EQ(repo_.List(false, 10).size(), 1u);
  EXPECT_EQ(repo_.List(false, 10)[0].id, "ex-2");
  const auto all = repo_.List(true, 10);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].id, "ex-2") << "newest first";
}

TEST_F(ExemptionRepositoryTest, InForceFromLeavesOutPastAndWithdrawnOnes) {
  ASSERT_TRUE(repo_.Insert(Make("past", 1, 2, {}, kT0)));
  ASSERT_TRUE(repo_.Insert(Make("edge", 1, 3, {}, kT0)));
  ASSERT_TRUE(repo_.Insert(Make("ahead", 9, 9, {}, kT0)));
  ASSERT_TRUE(repo_.Insert(Make("gone", 3, 9, {}, kT0)));
  repo_.Withdraw("gone", "李四", kT0);
  std::vector<std::string> ids;
  for (const auto& e : repo_.InForceFrom(date::year{2026} / 10 / 3)) ids.push_back(e.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"ahead", "edge"}));
  // Windows decided on Oct 3 + 60 days may still cover Oct 2 (a margin of 70 days).
  EXPECT_EQ(repo_.InForceReaching(kT0 + date::days{60}).size(), 3u);
  ASSERT_EQ(repo_.InForceReaching(kT0 + date::days{75}).size(), 1u);
  EXPECT_EQ(repo_.InForceReaching(kT0 + date::days{75})[0].id, "ahead");
}

TEST_F(ExemptionRepositoryTest, TheSchemaRefusesARangeBackwards) {
  EXPECT_FALSE(repo_.Insert(Make("bad", 4, 3, {}, kT0)));
  EXPECT_FALSE(repo_.Find("bad"));
}

TEST_F(ExemptionRepositoryTest, OnlyMissingLedgerRowsBecomeExcused) {
  LedgerRepository ledger(db_);
  LedgerRow missing{"s1", "daily", "2026-10-03", LedgerRowStatus::kMissing, kT0, "", {}, {}};
  LedgerRow on_time{"s2", "daily", "2026-10-03", LedgerRowStatus::kOnTime, kT0, "r1", kT0, {}};
  ASSERT_TRUE(ledger.RecordMissing(missing, kT0));
  ledger.RecordReceived(on_time, kT0);
  EXPECT_EQ(ledger.MissingSince(kT0 + 1ms, 10).size(), 0u);
  ASSERT_EQ(ledger.MissingSince(kT0, 10).size(), 1u);
  EXPECT_TRUE(ledger.ExcuseMissing(missing, kT0 + 1h));
  EXPECT_FALSE(ledger.ExcuseMissing(missing, kT0 + 1h)) << "already excused";
  EXPECT_FALSE(ledger.ExcuseMissing(on_time, kT0 + 1h));
  EXPECT_EQ(ledger.Find("s1", "daily", "2026-10-03")->status, LedgerRowStatus::kExcused);
  EXPECT_EQ(ledger.Find("s2", "daily", "2026-10-03")->status, LedgerRowStatus::kOnTime);
}

}  // namespace
}  // namespace pingan::store

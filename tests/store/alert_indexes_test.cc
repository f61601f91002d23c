// Migration 6 (alert indexes) on a database left at schema 5 with its alerts in it, and
// the plans SQLite makes for the real statements of the alert list and the hand-over
// (captured with sqlite3_trace_v2 while the repository runs them): the newest-first
// list walks an index instead of sorting every alert, and the hand-over reads only
// unresolved and recently resolved alerts instead of all ever resolved.
#include <gtest/gtest.h>

#include <sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <optional>

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include "daemon/store/activity_queries.h"
#include "daemon/store/alert_repository.h"
#include "daemon/store/database.h"
#include "tests/fakes/temp_dir.h"

namespace pingan::store {
namespace {

using namespace std::chrono_literals;

const core::Instant kStart = core::FromUnixMillis(1'780'000'000'000);
constexpr int kAlerts = 5000;
constexpr int kResolvedLongAgo = 3000;  // the first 3,000 were resolved within a minute

// A database at schema version 5, as pingand of that version left it.
void MakeVersion5(const std::string& path) {
  SQLite::Database raw(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  for (const Migration& m : Migrations()) {
    if (m.version > 5) break;
    raw.exec(m.sql);
  }
  raw.exec("PRAGMA user_version=5");
}

// Alert i, of school i % 500 for window i / 500, was raised at kStart + i / 2 seconds:
// pairs share a time, so the key decides their order.
// Written as pingand of version 5 wrote them (raw SQL: the repositories only open
// databases at the latest schema).
void AddAlerts(SQLite::Database& db) {
  SQLite::Transaction tx(db);
  SQLite::Statement insert(db, R"sql(
INSERT INTO alerts (alert_id, kind, school_id, requirement_id, window_id, state, created_at_ms,
  resolved_at_ms, next_step_at_ms)
VALUES (?1, 'missing', ?2, 'daily', ?3, ?4, ?5, ?6, ?7))sql");
  for (int i = 0; i < kAlerts; ++i) {
    char id[16];
    std::snprintf(id, sizeof id, "alert-%05d", i);
    const core::Instant at = kStart + std::chrono::seconds{i / 2};
    const bool resolved = i < kResolvedLongAgo;
    insert.bind(1, id);
    insert.bind(2, "s" + std::to_string(i % 500));
    insert.bind(3, "w" + std::to_string(i / 500));
    insert.bind(4, resolved ? "resolved" : "open");
    insert.bind(5, static_cast<int64_t>(core::ToUnixMillis(at)));
    if (resolved) {
      insert.bind(6, static_cast<int64_t>(core::ToUnixMillis(at + 1min)));
      insert.bind(7);
    } else {
      insert.bind(6);
      insert.bind(7, static_cast<int64_t>(core::ToUnixMillis(at)));
    }
    insert.exec();
    insert.reset();
  }
  tx.commit();
}

// The query plans of every statement `run` prepares on `db`, one text per statement.
std::vector<std::string> PlansOf(SQLite::Database& db, const std::function<void()>& run) {
  std::vector<std::string> statements;
  sqlite3_trace_v2(
      db.getHandle(), SQLITE_TRACE_STMT,
      [](unsigned, void* context, void*, void* x) {
        const std::string sql = static_cast<const char*>(x);
        auto* out = static_cast<std::vector<std::string>*>(context);
        if (sql.rfind("--", 0) != 0 && (out->empty() || out->back() != sql)) out->push_back(sql);
        return 0;
      },
      &statements);
  run();
  sqlite3_trace_v2(db.getHandle(), 0, nullptr, nullptr);
  std::vector<std::string> plans;
  for (const std::string& sql : statements) {
    SQLite::Statement explain(db, "EXPLAIN QUERY PLAN " + sql);
    std::string plan = sql + "\n";
    while (explain.executeStep()) plan += explain.getColumn(3).getString() + "\n";
    plans.push_back(plan);
  }
  return plans;
}

// The plan of the first statement reading `from` ("FROM alerts").
std::string PlanReading(const std::vector<std::string>& plans, const std::string& from) {
  for (const std::string& p : plans) {
    if (p.find(from) != std::string::npos && p.find("alert_timeline") == std::string::npos) {
      return p;
    }
  }
  ADD_FAILURE() << "no statement reads " << from;
  return "";
}

AlertFilter Filter(int limit, std::optional<core::AlertState> state = std::nullopt,
                   std::string school_id = "") {
  AlertFilter f;
  f.limit = limit;
  f.state = state;
  f.school_id = std::move(school_id);
  return f;
}

bool Has(const std::string& plan, const std::string& text) {
  return plan.find(text) != std::string::npos;
}

class AlertIndexesTest : public ::testing::Test {
 protected:
  // The schema-5 database with its alerts is made once and copied for each test.
  static void SetUpTestSuite() {
    made_ = new testing::TempDir();
    MakeVersion5(made_->File("v5.db"));
    SQLite::Database raw(made_->File("v5.db"), SQLite::OPEN_READWRITE);
    AddAlerts(raw);
  }
  static void TearDownTestSuite() {
    delete made_;
    made_ = nullptr;
  }
  AlertIndexesTest() { std::filesystem::copy_file(made_->File("v5.db"), dir_.File("pingan.db")); }

  static testing::TempDir* made_;
  testing::TempDir dir_;
};
testing::TempDir* AlertIndexesTest::made_ = nullptr;

TEST_F(AlertIndexesTest, MigrationSixAppliesToAVersionFiveDatabaseAndKeepsItsAlerts) {
  Database db(dir_.File("pingan.db"));
  EXPECT_EQ(db.schema_version(), LatestSchemaVersion());
  EXPECT_GE(LatestSchemaVersion(), 6);
  for (const char* index : {"alerts_by_time", "alerts_by_school", "alerts_by_resolved"}) {
    SQLite::Statement s(db.sql(), "SELECT count(*) FROM sqlite_master WHERE name = ?1");
    s.bind(1, index);
    ASSERT_TRUE(s.executeStep());
    EXPECT_EQ(s.getColumn(0).getInt(), 1) << index;
  }
  AlertRepository alerts(db);
  EXPECT_EQ(alerts.CountByState(core::AlertState::kOpen), kAlerts - kResolvedLongAgo);
  EXPECT_EQ(alerts.CountByState(core::AlertState::kResolved), kResolvedLongAgo);
}

TEST_F(AlertIndexesTest, TheNewestFirstListWalksAnIndexInsteadOfSortingEveryAlert) {
  Database db(dir_.File("pingan.db"));
  AlertRepository alerts(db);
  std::vector<core::Alert> newest;
  const auto plans = PlansOf(db.sql(), [&] { newest = alerts.List(Filter(100)); });
  const std::string plan = PlanReading(plans, "FROM alerts");
  EXPECT_TRUE(Has(plan, "alerts_by_time")) << plan;
  EXPECT_FALSE(Has(plan, "TEMP B-TREE")) << plan;
  // Still newest first, ties (same millisecond) by id, descending.
  ASSERT_EQ(newest.size(), 100u);
  EXPECT_EQ(newest[0].id, "alert-04999");
  EXPECT_EQ(newest[1].id, "alert-04998");
  EXPECT_EQ(newest[99].id, "alert-04900");

  for (const AlertFilter& filter :
       {Filter(500, core::AlertState::kOpen), Filter(100, std::nullopt, "s7")}) {
    const std::string filtered =
        PlanReading(PlansOf(db.sql(), [&] { alerts.List(filter); }), "FROM alerts");
    EXPECT_TRUE(Has(filtered, "SEARCH alerts USING INDEX")) << filtered;
    EXPECT_FALSE(Has(filtered, "TEMP B-TREE")) << filtered;
  }
  const auto school = alerts.List(Filter(100, std::nullopt, "s7"));
  ASSERT_EQ(school.size(), static_cast<size_t>(kAlerts / 500));
  EXPECT_EQ(school.front().id, "alert-04507");
}

TEST_F(AlertIndexesTest, TheHandOverReadsOnlyUnresolvedAndRecentlyResolvedAlerts) {
  Database db(dir_.File("pingan.db"));
  // Resolved since: the last twenty of the long-resolved ones (raised at kStart + 1490 s
  // and later, resolved a minute after).
  const core::Instant since = kStart + std::chrono::seconds{1490} + 1min;
  std::vector<std::string> ids;
  const auto plans = PlansOf(db.sql(), [&] { ids = AlertIdsActiveSince(db, since); });
  const std::string plan = PlanReading(plans, "FROM alerts");
  EXPECT_TRUE(Has(plan, "MULTI-INDEX OR")) << plan;
  EXPECT_TRUE(Has(plan, "alerts_by_state")) << plan;
  EXPECT_TRUE(Has(plan, "alerts_by_resolved")) << plan;
  ASSERT_EQ(ids.size(), static_cast<size_t>(kAlerts - kResolvedLongAgo + 20));
  EXPECT_EQ(ids.front(), "alert-02980") << "oldest first";
  EXPECT_EQ(ids.back(), "alert-04999");
  EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end())) << "ids follow the creation order here";
}

}  // namespace
}  // namespace pingan::store

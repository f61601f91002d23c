// The deadline sweep as the daemon runs it, at national scale: jobs::SweepDeadlines on a
// real SQLite database (WAL, synchronous=FULL) for 520,000 schools, 98 % of which have
// reported, so one deadline yields ~10,400 missing ledger rows and alerts in one
// transaction. The baseline, measured in the same run on the same database, is the
// least such a sweep must do: reading the window's 510,000 ledger rows back.
//
//   store_sweep_bench [--no-wal-restart]   (about a minute: the setup writes 510,000 rows
//   per day swept; --no-wal-restart: the checkpointer without its log restart, for A/B)
#include <benchmark/benchmark.h>
#include <spdlog/spdlog.h>

#include <SQLiteCpp/Transaction.h>
#include <filesystem>

#include "bench/national_scale.h"
#include "daemon/core/window_tally.h"
#include "daemon/jobs/deadline_sweep.h"
#include "daemon/jobs/ledger_tally.h"
#include "daemon/store/checkpointer.h"
#include "daemon/store/ledger_repository.h"

namespace {

// --no-wal-restart: the checkpointer without its log restart (an A/B of that rule).
bool g_no_wal_restart = false;

using namespace pingan::bench;
using pingan::core::Instant;
using SteadyClock = std::chrono::steady_clock;
namespace config = pingan::config;
namespace jobs = pingan::jobs;
namespace store = pingan::store;

Instant GraceEnd(int day) {
  return Instant{date::sys_days{2026_y / 10 / static_cast<unsigned>(day)} + std::chrono::hours{8} +
                 std::chrono::minutes{30}};
}

struct StoreWorld {
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("pingan-store-sweep-" + std::to_string(::getpid()));
  config::SharedSchedule bundle;
  std::unique_ptr<store::Database> db;
  // As the daemon's writer has it: checkpoints on their own thread, not in the sweep's
  // commit.
  std::unique_ptr<store::Checkpointer> checkpointer;
  double rss_after_schedule_mb = 0;

  StoreWorld() {
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    bundle = std::get<config::SharedSchedule>(
        config::MakeScheduleBundle(MakeTree(), Calendars(), Requirements(), "Asia/Shanghai"));
    rss_after_schedule_mb = PeakRssMb();
    db = std::make_unique<store::Database>((dir / "pingan.db").string());
    store::CheckpointerOptions options;
    if (g_no_wal_restart) options.restart_pages = options.inline_pages;
    checkpointer = std::make_unique<store::Checkpointer>(*db, options);
    store::LedgerRepository(*db).SetState(
        jobs::kSweepPositionKey,
        std::to_string(pingan::core::ToUnixMillis(GraceEnd(1) - std::chrono::hours{1})));
  }
  ~StoreWorld() {
    checkpointer.reset();
    std::filesystem::remove_all(dir);
  }

  // 98 % of the schools report (on time) for `day`, in one transaction.
  void ReportDay(int day) {
    SQLite::Transaction tx(db->sql());
    store::LedgerRepository ledger(*db);
    const std::string window = "2026-10-0" + std::to_string(day);
    size_t n = 0;
    for (const core::Unit& u : bundle->tree.units()) {
      if (u.kind != core::UnitKind::kSchool || n++ % 50 == 0) continue;
      store::LedgerRow row{u.id,
                           "holiday-daily",
                           window,
                           store::LedgerRowStatus::kOnTime,
                           GraceEnd(day),
                           "",
                           GraceEnd(day) - std::chrono::hours{2},
                           pingan::core::Millis{0}};
      ledger.RecordReceived(row, GraceEnd(day));
    }
    tx.commit();
  }
};

StoreWorld& TheStoreWorld() {
  static StoreWorld* world = new StoreWorld;
  return *world;
}

void BM_ReadWindowLedgerBaseline(benchmark::State& state) {
  StoreWorld& w = TheStoreWorld();
  w.ReportDay(1);
  size_t rows = 0;
  for (auto _ : state) {
    rows = store::LedgerRepository(*w.db).SchoolsWithRow("holiday-daily", "2026-10-01").size();
  }
  state.counters["rows"] = static_cast<double>(rows);
}
BENCHMARK(BM_ReadWindowLedgerBaseline)->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_SweepDeadlinesInStore(benchmark::State& state) {
  StoreWorld& w = TheStoreWorld();
  int day = 2;
  jobs::SweepOutcome outcome;
  for (auto _ : state) {
    state.PauseTiming();
    w.ReportDay(day);
    state.ResumeTiming();
    outcome = jobs::SweepDeadlines(*w.db, *w.bundle, GraceEnd(day));
    ++day;
  }
  state.counters["missing_alerts"] = outcome.missing;
  state.counters["schools"] = static_cast<double>(kSchools);
  state.counters["rss_schedule_MB"] = w.rss_after_schedule_mb;
  state.counters["peak_rss_MB"] = PeakRssMb();
}
BENCHMARK(BM_SweepDeadlinesInStore)->Unit(benchmark::kMillisecond)->Iterations(3);

// The same sweep as the daemon runs it: the missing come from the LedgerTally the
// recorder kept while the reports came in (loaded here outside the timing, as the
// recorder would have it), not from the window's rows read back.
void BM_SweepDeadlinesWithTally(benchmark::State& state) {
  StoreWorld& w = TheStoreWorld();
  int day = 5;
  jobs::SweepOutcome outcome;
  jobs::LedgerTally tally;
  tally.Bind(w.bundle);
  for (auto _ : state) {
    state.PauseTiming();
    w.ReportDay(day);
    const std::string window = "2026-10-0" + std::to_string(day);
    tally.Window(*w.db, "holiday-daily", window);
    store::LedgerRepository(*w.db).SetState(
        jobs::kSweepPositionKey,
        std::to_string(pingan::core::ToUnixMillis(GraceEnd(day) - std::chrono::minutes{1})));
    state.ResumeTiming();
    outcome = jobs::SweepDeadlines(*w.db, *w.bundle, GraceEnd(day),
                                   pingan::core::kDefaultReminderChannels, nullptr, &tally);
    ++day;
  }
  state.counters["missing_alerts"] = outcome.missing;
}
BENCHMARK(BM_SweepDeadlinesWithTally)->Unit(benchmark::kMillisecond)->Iterations(3);

// The national missing list alone: 520,000 due schools checked against the tally.
void BM_MissingListFromTally(benchmark::State& state) {
  StoreWorld& w = TheStoreWorld();
  pingan::core::WindowTally tally;
  tally.Rebind(&w.bundle->tree);
  // 98 % reported, as ReportDay writes them.
  std::vector<std::string> reported;
  size_t n = 0;
  for (const pingan::core::Unit& u : w.bundle->tree.units()) {
    if (u.kind == pingan::core::UnitKind::kSchool && n++ % 50 != 0) reported.push_back(u.id);
  }
  tally.Load("holiday-daily", "2026-10-01", reported);
  const std::vector<const pingan::core::Unit*> due = w.bundle->tree.SchoolsUnder("p");
  size_t missing = 0;
  for (auto _ : state) {
    missing = tally.Without("holiday-daily", "2026-10-01", due).size();
    benchmark::DoNotOptimize(missing);
  }
  state.counters["due"] = static_cast<double>(due.size());
  state.counters["missing"] = static_cast<double>(missing);
}
BENCHMARK(BM_MissingListFromTally)->Unit(benchmark::kMillisecond)->MinTime(5);

}  // namespace

int main(int argc, char** argv) {
  spdlog::set_level(spdlog::level::warn);
  benchmark::Initialize(&argc, argv);
  for (int i = 1; i < argc; ++i) {
    if (std::string_view(argv[i]) == "--no-wal-restart") g_no_wal_restart = true;
  }
  benchmark::RunSpecifiedBenchmarks();
  return 0;
}

// Deadline sweep benchmark at national scale: 520,000 schools (1 province, 20 cities,
// 400 districts, 1,300 schools each), a 7-day holiday with a daily 16:00 deadline.
//
// Measures Schedule::Build, and the sweep of one deadline: GraceEndsBetween (the window
// with all its schools) plus Classify for every school, next to a baseline measured in
// the same run: copying 520,000 school ids into a vector. The ratio is what to watch:
// absolute numbers move with the machine. Also reports the peak RSS (VmHWM) after
// building tree and schedule.
//
//   deadline_sweep_bench [--benchmark_filter=...]   (default run: well under a minute)
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "bench/national_scale.h"
#include "daemon/core/ledger.h"
#include "daemon/core/schedule.h"

namespace {

using pingan::core::Instant;
using SteadyClock = std::chrono::steady_clock;

using namespace pingan::bench;

struct World {
  core::OrgTree tree = MakeTree();
  core::Schedule schedule = BuildSchedule(tree);
  double peak_rss_mb = PeakRssMb();
  // Per unit (index in tree.units()): for schools, 95 % report before the deadline,
  // 3 % late, 2 % never.
  std::vector<std::optional<Instant>> received;
};

World& TheWorld() {
  static World* world = [] {
    auto* w = new World;
    const Instant deadline{date::sys_days{2026_y / 10 / 3} + std::chrono::hours{8}};
    const auto& units = w->tree.units();
    w->received.resize(units.size());
    for (size_t i = 0, n = 0; i < units.size(); ++i) {
      if (units[i].kind != core::UnitKind::kSchool) continue;
      const size_t bucket = n++ % 100;
      if (bucket < 95) {
        w->received[i] = deadline - std::chrono::minutes{static_cast<int>(i % 600)};
      } else if (bucket < 98) {
        w->received[i] = deadline + std::chrono::hours{1};
      }
    }
    return w;
  }();
  return *world;
}

// Baseline: copy every school id into a fresh vector (the least a sweep that names the
// silent schools must do). Best of five, in seconds.
double BaselineSeconds() {
  static const double seconds = [] {
    const World& w = TheWorld();
    std::vector<const std::string*> ids;
    for (const core::Unit& u : w.tree.units()) {
      if (u.kind == core::UnitKind::kSchool) ids.push_back(&u.id);
    }
    double best = 1e9;
    for (int i = 0; i < 5; ++i) {
      const auto start = SteadyClock::now();
      std::vector<std::string> copy;
      copy.reserve(ids.size());
      for (const std::string* id : ids) copy.push_back(*id);
      benchmark::DoNotOptimize(copy.data());
      best = std::min(best, std::chrono::duration<double>(SteadyClock::now() - start).count());
    }
    return best;
  }();
  return seconds;
}

void SetRatio(benchmark::State& state, double total_seconds) {
  const double per_iteration = total_seconds / static_cast<double>(state.iterations());
  state.counters["baseline_ms"] = BaselineSeconds() * 1e3;
  state.counters["ratio_vs_baseline"] = per_iteration / BaselineSeconds();
  state.counters["peak_rss_MB"] = TheWorld().peak_rss_mb;
  state.counters["schools"] = static_cast<double>(kSchools);
}

void BM_BaselineCopySchoolIds(benchmark::State& state) {
  const World& w = TheWorld();
  std::vector<const std::string*> ids;
  for (const core::Unit& u : w.tree.units()) {
    if (u.kind == core::UnitKind::kSchool) ids.push_back(&u.id);
  }
  for (auto _ : state) {
    std::vector<std::string> copy;
    copy.reserve(ids.size());
    for (const std::string* id : ids) copy.push_back(*id);
    benchmark::DoNotOptimize(copy.data());
  }
  state.counters["schools"] = static_cast<double>(ids.size());
}
BENCHMARK(BM_BaselineCopySchoolIds)->Unit(benchmark::kMillisecond);

void BM_ScheduleBuild(benchmark::State& state) {
  const World& w = TheWorld();
  double total = 0;
  for (auto _ : state) {
    const auto start = SteadyClock::now();
    core::Schedule s = BuildSchedule(w.tree);
    total += std::chrono::duration<double>(SteadyClock::now() - start).count();
    benchmark::DoNotOptimize(&s);
  }
  SetRatio(state, total);
}
BENCHMARK(BM_ScheduleBuild)->Unit(benchmark::kMillisecond)->Iterations(5);

// One sweep at 16:30 on 2026-10-03: the window with its 520,000 schools, every school
// classified, the missing ones counted.
void BM_SweepOneDeadline(benchmark::State& state) {
  const World& w = TheWorld();
  const Instant grace_end{date::sys_days{2026_y / 10 / 3} + std::chrono::hours{8} +
                          std::chrono::minutes{30}};
  const core::Unit* base = w.tree.units().data();
  double total = 0;
  size_t missing = 0, late = 0;
  for (auto _ : state) {
    const auto start = SteadyClock::now();
    missing = late = 0;
    for (const core::DueWindow& due :
         w.schedule.GraceEndsBetween(grace_end - std::chrono::minutes{1}, grace_end)) {
      for (const core::Unit* school : due.schools) {
        const auto& received = w.received[static_cast<size_t>(school - base)];
        const core::LedgerEntry e = core::Classify(due.window, received, false, grace_end);
        missing += e.status == core::LedgerStatus::kMissing;
        late += e.status == core::LedgerStatus::kLate;
      }
    }
    total += std::chrono::duration<double>(SteadyClock::now() - start).count();
  }
  SetRatio(state, total);
  state.counters["missing"] = static_cast<double>(missing);
  state.counters["late"] = static_cast<double>(late);
}
BENCHMARK(BM_SweepOneDeadline)->Unit(benchmark::kMillisecond);

void BM_WindowForOneReport(benchmark::State& state) {
  const World& w = TheWorld();
  size_t i = 0;
  for (auto _ : state) {
    auto window = w.schedule.WindowFor(Id("s", static_cast<int>(i++ % kSchools)),
                                       core::ReportKind::kAllClear, 2026_y / 10 / 3);
    benchmark::DoNotOptimize(window);
  }
}
BENCHMARK(BM_WindowForOneReport);

void BM_NextEventAfter(benchmark::State& state) {
  const World& w = TheWorld();
  const Instant t{date::sys_days{2026_y / 10 / 2}};
  for (auto _ : state) benchmark::DoNotOptimize(w.schedule.NextEventAfter(t));
}
BENCHMARK(BM_NextEventAfter);

}  // namespace

BENCHMARK_MAIN();

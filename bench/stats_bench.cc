// Period statistics against the ledger export, over the same realistic data: a city
// bureau of 9,000 schools in 6 districts owing a daily all-clear on every day of
// October (279,000 school-days: the largest month the export's 300,000-row limit
// allows), on a real SQLite database: 85 % on time, 8 % late, 5 % missing with a
// missing alert each (half of them acknowledged), 2 % with nothing recorded.
//
// Both walk the same windows and ledger rows (services/period_windows.h); the export
// then formats 279,000 CSV rows, the statistics count them and read the month's alerts.
// The baseline is the export, measured in the same run, alternating with the
// statistics: one warm-up run each, then runs until `seconds` (default 30) have passed.
// Prints the median (and min, max) of each and their ratio.
//
//   stats_bench [seconds]
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>

#include "daemon/core/alert.h"
#include "daemon/services/ledger_export.h"
#include "daemon/services/stats_service.h"
#include "daemon/store/alert_repository.h"
#include "daemon/store/ledger_repository.h"
#include "daemon/store/write_transaction.h"

namespace {

using namespace std::chrono_literals;
using date::literals::operator""_y;
namespace core = pingan::core;
namespace config = pingan::config;
namespace services = pingan::services;
namespace store = pingan::store;
using SteadyClock = std::chrono::steady_clock;

constexpr int kDistricts = 6;
constexpr int kSchoolsPerDistrict = 1500;
constexpr int kDays = 31;

std::string Id(const char* prefix, int n) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%s%05d", prefix, n);
  return buf;
}

config::SharedSchedule MakeWorld() {
  std::vector<core::Unit> units;
  auto add = [&](std::string id, core::UnitKind kind, std::string parent) {
    core::Unit u;
    u.id = std::move(id);
    u.name = u.id;
    u.kind = kind;
    u.parent_id = std::move(parent);
    units.push_back(std::move(u));
  };
  add("city", core::UnitKind::kCity, "");
  for (int d = 0, s = 0; d < kDistricts; ++d) {
    add(Id("d", d), core::UnitKind::kDistrict, "city");
    for (int i = 0; i < kSchoolsPerDistrict; ++i)
      add(Id("s", s++), core::UnitKind::kSchool, Id("d", d));
  }
  core::Calendar cal;
  cal.name = "october";
  core::Period month;
  month.name = "安全生产月";  // a month with a daily all-clear
  month.kind = core::PeriodKind::kPublicHoliday;
  month.first = 2026_y / 10 / 1;
  month.last = 2026_y / 10 / 31;
  cal.periods.push_back(month);
  core::Requirement daily;
  daily.id = "daily";
  daily.kind = core::RequirementKind::kDailyAllClear;
  daily.during = {core::PeriodKind::kPublicHoliday};
  daily.deadlines = {16h};
  daily.grace = 30min;
  auto tree = core::OrgTree::Build(std::move(units));
  return std::get<config::SharedSchedule>(config::MakeScheduleBundle(
      std::get<core::OrgTree>(std::move(tree)), {cal}, {daily}, "Asia/Shanghai"));
}

// 16:00 in Asia/Shanghai on October `day`.
core::Instant Deadline(int day) {
  return date::sys_days{2026_y / 10 / static_cast<unsigned>(day)} + 8h;
}

void FillLedger(store::Database& db, const config::ScheduleBundle& bundle) {
  store::WriteTransaction tx(db);
  store::LedgerRepository ledger(db);
  store::AlertRepository alerts(db);
  size_t n = 0;
  for (int day = 1; day <= kDays; ++day) {
    char window[16];
    std::snprintf(window, sizeof window, "2026-10-%02d", day);
    for (const core::Unit& u : bundle.tree.units()) {
      if (u.kind != core::UnitKind::kSchool) continue;
      const size_t k = n++ % 100;
      store::LedgerRow row{u.id,
                           "daily",
                           window,
                           store::LedgerRowStatus::kOnTime,
                           Deadline(day),
                           "",
                           Deadline(day) - 1h,
                           core::Millis{0}};
      if (k < 85) {
        ledger.RecordReceived(row, Deadline(day));
      } else if (k < 93) {
        row.status = store::LedgerRowStatus::kLate;
        row.received_at = Deadline(day) + 2h;
        row.lateness = 2h;
        ledger.RecordReceived(row, Deadline(day) + 2h);
      } else if (k < 98) {
        row.status = store::LedgerRowStatus::kMissing;
        row.received_at.reset();
        ledger.RecordMissing(row, Deadline(day) + 30min);
        core::Alert a = core::NewMissingAlert("m-" + u.id + "-" + window, u.id, "daily", window,
                                              Deadline(day) + 30min);
        if (k % 2 == 0) {
          a = std::get<core::Alert>(core::Acknowledge(a, "duty", "", a.created_at + 12min, 0h));
        }
        alerts.Insert(a);
      }
    }
  }
  tx.Commit();
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t m = v.size() / 2;
  return v.size() % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

template <typename F>
double TimeMs(F&& f) {
  const auto t0 = SteadyClock::now();
  f();
  return std::chrono::duration<double, std::milli>(SteadyClock::now() - t0).count();
}

}  // namespace

int main(int argc, char** argv) {
  spdlog::set_level(spdlog::level::warn);
  const double seconds = argc > 1 ? std::stod(argv[1]) : 30.0;
  const auto dir =
      std::filesystem::temp_directory_path() / ("pingan-stats-bench-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const config::SharedSchedule bundle = MakeWorld();
  store::Database db((dir / "pingan.db").string());
  const double fill_ms = TimeMs([&] { FillLedger(db, *bundle); });
  const core::Instant now = date::sys_days{2026_y / 11 / 5};
  const services::ExportRequest period{2026_y / 10 / 1, 2026_y / 10 / 31, "", ""};
  const services::StatsRequest request{"2026-10-01", "2026-10-31", "", "", 2};
  size_t rows = 0;
  size_t owed = 0;
  auto run_export = [&] {
    auto r = services::ExportLedgerCsv(*bundle, db, period, now);
    rows = std::get<services::ExportResult>(r).rows;
  };
  auto run_stats = [&] {
    const services::StatsAnswer a = services::ComputeStatsFor(*bundle, db, request, now);
    const core::LedgerCounts& t = a.stats.total;
    owed = t.expected + t.on_time + t.late + t.missing + t.excused;
  };
  run_export();  // warm-up: page cache, zone database, allocator
  run_stats();
  std::vector<double> export_ms, stats_ms;
  const auto start = SteadyClock::now();
  while (export_ms.size() < 5 ||
         std::chrono::duration<double>(SteadyClock::now() - start).count() < seconds) {
    export_ms.push_back(TimeMs(run_export));
    stats_ms.push_back(TimeMs(run_stats));
  }
  std::printf("stats_bench: %d schools x %d days = %zu school-days (setup %.0f ms)\n",
              kDistricts * kSchoolsPerDistrict, kDays, owed, fill_ms);
  for (const auto& [name, v] : {std::pair{"ledger export (baseline)", &export_ms},
                                std::pair{"period statistics", &stats_ms}}) {
    std::printf("  %-26s median %8.1f ms  min %8.1f  max %8.1f  (%zu runs)\n", name, Median(*v),
                *std::min_element(v->begin(), v->end()), *std::max_element(v->begin(), v->end()),
                v->size());
  }
  std::printf("  statistics / export: %.2f (export rows %zu)\n",
              Median(stats_ms) / Median(export_ms), rows);
  std::filesystem::remove_all(dir);
  return owed == rows ? 0 : 1;  // both must see the same school-days
}

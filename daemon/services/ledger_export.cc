#include "daemon/services/ledger_export.h"

#include <algorithm>
#include <unordered_map>

#include "daemon/core/csv.h"
#include "daemon/core/local_time.h"
#include "daemon/store/ledger_repository.h"

namespace pingan::services {
namespace {

using namespace std::chrono_literals;

struct Row {
  std::string date, window, requirement, school_id, school_name, district, status;
  std::string received_at;
  std::string lateness;
};

// Collects the period's rows (PeriodWindows) and writes them as CSV.
class Exporter {
 public:
  Exporter(const config::ScheduleBundle& bundle, store::Database& db, const ExportRequest& request,
           core::Instant now)
      : bundle_(bundle), windows_(bundle, db, request), now_(now) {}

  std::optional<ExportError> Collect() { return windows_.Collect(kMaxExportRows, TooLarge()); }

  std::optional<ExportError> Emit() {
    // Windows in (date, window, requirement) order; schools by id within each.
    size_t start = 0;
    return windows_.Visit(
        [this](const PeriodEntry& e) { Add(e); },
        [this, &start]() -> std::optional<ExportError> {
          std::sort(rows_.begin() + static_cast<long>(start), rows_.end(),
                    [](const Row& a, const Row& b) { return a.school_id < b.school_id; });
          start = rows_.size();
          if (rows_.size() > kMaxExportRows) {
            return core::CodedError("too_large", TooLarge());
          }
          return std::nullopt;
        });
  }

  ExportResult Csv() {
    ExportResult out;
    out.rows = rows_.size();
    out.csv.reserve(100 + rows_.size() * 96);
    out.csv =
        "\xEF\xBB\xBF"
        "date,window,requirement,school_id,school_name,district,status,received_at,"
        "lateness_minutes\r\n";
    for (const Row& r : rows_) {
      std::string& c = out.csv;
      core::AppendCsvField(c, r.date);
      for (const auto& [field, text] :
           {std::pair{&r.window, false}, std::pair{&r.requirement, false},
            std::pair{&r.school_id, false}, std::pair{&r.school_name, true},
            std::pair{&r.district, true}, std::pair{&r.status, false},
            std::pair{&r.received_at, false}, std::pair{&r.lateness, false}}) {
        c += ',';
        core::AppendCsvField(c, *field, text);  // names: guarded against formulas
      }
      c += "\r\n";
    }
    return out;
  }

 private:
  // The nearest district-level ancestor's name; remembered per school.
  const std::string& District(const core::Unit* unit) {
    static const std::string kNone;
    if (unit == nullptr) return kNone;
    auto [it, fresh] = districts_.emplace(unit, "");
    if (fresh) {
      for (const core::Unit* a : bundle_.tree.Ancestors(*unit)) {
        if (a->kind == core::UnitKind::kDistrict) {
          it->second = a->name;
          break;
        }
      }
    }
    return it->second;
  }

  std::string LocalTime(core::Instant t, const std::string& zone_name) {
    auto [it, fresh] = zones_.emplace(zone_name, nullptr);
    if (fresh) {
      it->second = core::FindTimeZone(zone_name);
      if (it->second == nullptr) it->second = core::FindTimeZone(core::kDefaultTimeZone);
    }
    return date::format("%Y-%m-%d %H:%M:%S",
                        date::make_zoned(it->second, std::chrono::floor<std::chrono::seconds>(t)));
  }

  static std::string TooLarge() {
    return "more than " + std::to_string(kMaxExportRows) +
           " rows: export a shorter period or one unit at a time";
  }

  void Add(const PeriodEntry& e) {
    const core::Window& w = e.window;
    Row r{core::FormatDate(core::DueDay(w)),
          w.window_id,
          w.requirement_id,
          e.school_id,
          e.unit ? e.unit->name : "",
          District(e.unit),
          "",
          "",
          ""};
    if (const store::LedgerRow* row = e.row) {
      r.status = store::LedgerRowStatusName(row->status);
      if (row->received_at) r.received_at = LocalTime(*row->received_at, w.time_zone);
      if (row->status == store::LedgerRowStatus::kLate) {
        r.lateness = std::to_string((row->lateness.count() + 59'999) / 60'000);
      }
    } else {
      r.status = e.excused ? "excused" : now_ <= w.grace_end ? "outstanding" : "no_record";
    }
    rows_.push_back(std::move(r));
  }

  const config::ScheduleBundle& bundle_;
  PeriodWindows windows_;
  core::Instant now_;
  std::vector<Row> rows_;
  std::unordered_map<const core::Unit*, std::string> districts_;
  std::unordered_map<std::string, const date::time_zone*> zones_;
};

}  // namespace

std::variant<ExportResult, ExportError> ExportLedgerCsv(const config::ScheduleBundle& bundle,
                                                        store::Database& db,
                                                        const ExportRequest& request,
                                                        core::Instant now) {
  if (auto e = CheckPeriod(bundle.tree, request, kMaxExportDays)) return *e;
  Exporter exporter(bundle, db, request, now);
  if (auto e = exporter.Collect()) return *e;
  if (auto e = exporter.Emit()) return *e;
  return exporter.Csv();
}

}  // namespace pingan::services

#include "daemon/services/ledger_export.h"

#include <algorithm>
#include <map>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include "daemon/core/csv.h"
#include "daemon/core/local_time.h"
#include "daemon/services/query_support.h"
#include "daemon/store/ledger_repository.h"

namespace pingan::services {
namespace {

using namespace std::chrono_literals;

// One window (all zones of one requirement and window id) with the schools to list.
struct WindowSchools {
  std::vector<core::Window> windows;  // one per zone / calendar context
  std::vector<std::vector<const core::Unit*>> schools;
  std::vector<std::vector<const core::Unit*>> paused;
  size_t owed = 0;  // schools owing it before filtering
};

struct Row {
  std::string date, window, requirement, school_id, school_name, district, status;
  std::string received_at;
  std::string lateness;
};

class Exporter {
 public:
  Exporter(const config::ScheduleBundle& bundle, store::Database& db, const ExportRequest& request,
           core::Instant now)
      : bundle_(bundle), db_(db), ledger_(db), request_(request), now_(now) {}

  std::optional<ExportError> Collect() {
    const date::sys_days from{request_.from};
    const date::sys_days to{request_.to};
    // Grace ends lie after the covered days: up to a day for zones, much more for
    // monthly summaries due in the following month.
    const core::Instant end = to + date::days{100};
    size_t expected = 0;
    for (core::Instant t = from - date::days{2}; t < end; t += date::days{14}) {
      for (core::DueWindow& due : WithExemptions(
               bundle_.schedule.GraceEndsBetween(t, t + date::days{14}), db_, bundle_.tree)) {
        // Filed under the day it is due, not the first day it covers: an export of
        // 09-28..10-11 holds September's summary due on 09-30, not October's due 10-31.
        const date::year_month_day due_day = core::DueDay(due.window);
        if (date::sys_days{due_day} < from || date::sys_days{due_day} > to) continue;
        WindowSchools& w = windows_[{due_day, due.window.window_id, due.window.requirement_id}];
        w.owed += due.schools.size() + due.paused.size();
        w.schools.push_back(Keep(due.schools));
        w.paused.push_back(Keep(due.paused));
        expected += w.schools.back().size() + w.paused.back().size();
        w.windows.push_back(std::move(due.window));
        if (expected > kMaxExportRows) return TooLarge();
      }
    }
    return std::nullopt;
  }

  std::optional<ExportError> Emit() {
    // Windows in (date, window, requirement) order; schools by id within each.
    for (auto& [key, w] : windows_) {
      const size_t start = rows_.size();
      EmitWindow(w);
      std::sort(rows_.begin() + static_cast<long>(start), rows_.end(),
                [](const Row& a, const Row& b) { return a.school_id < b.school_id; });
      if (rows_.size() > kMaxExportRows) return TooLarge();
    }
    return std::nullopt;
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

  bool Wanted(std::string_view school) const {
    const core::OrgTree& tree = bundle_.tree;
    return (request_.unit.empty() || tree.IsInSubtree(school, request_.unit)) &&
           (request_.scope.empty() || tree.IsInSubtree(school, request_.scope));
  }
  bool Scoped() const { return !request_.unit.empty() || !request_.scope.empty(); }

  std::vector<const core::Unit*> Keep(const std::vector<const core::Unit*>& units) const {
    if (!Scoped()) return units;
    std::vector<const core::Unit*> out;
    for (const core::Unit* u : units) {
      if (Wanted(u->id)) out.push_back(u);
    }
    return out;
  }

  static ExportError TooLarge() {
    return core::CodedError("too_large",
                            "more than " + std::to_string(kMaxExportRows) +
                                " rows: export a shorter period or one unit at a time");
  }

  void Add(const core::Window& w, const std::string& school_id, const core::Unit* unit,
           const std::optional<store::LedgerRow>& row, bool paused) {
    Row r{core::FormatDate(core::DueDay(w)),
          w.window_id,
          w.requirement_id,
          school_id,
          unit ? unit->name : "",
          District(unit),
          "",
          "",
          ""};
    if (row) {
      r.status = store::LedgerRowStatusName(row->status);
      if (row->received_at) r.received_at = LocalTime(*row->received_at, w.time_zone);
      if (row->status == store::LedgerRowStatus::kLate) {
        r.lateness = std::to_string((row->lateness.count() + 59'999) / 60'000);
      }
    } else {
      r.status = paused ? "excused" : now_ <= w.grace_end ? "outstanding" : "no_record";
    }
    rows_.push_back(std::move(r));
  }

  void EmitWindow(const WindowSchools& w) {
    const core::Window& first = w.windows.front();
    size_t listed = 0;
    for (size_t i = 0; i < w.windows.size(); ++i)
      listed += w.schools[i].size() + w.paused[i].size();
    // A small part of a big window: one lookup per school beats reading the window.
    const bool by_school = Scoped() && listed * 16 < w.owed;
    std::unordered_map<std::string, store::LedgerRow> recorded;
    if (!by_school) {
      for (store::LedgerRow& r : ledger_.ForWindow(first.requirement_id, first.window_id)) {
        recorded.emplace(r.school_id, std::move(r));
      }
    }
    std::unordered_set<std::string> done;
    for (size_t i = 0; i < w.windows.size(); ++i) {
      for (bool paused : {false, true}) {
        for (const core::Unit* u : paused ? w.paused[i] : w.schools[i]) {
          if (!done.insert(u->id).second) continue;
          std::optional<store::LedgerRow> row;
          if (by_school) {
            row = ledger_.Find(u->id, first.requirement_id, first.window_id);
          } else if (auto it = recorded.find(u->id); it != recorded.end()) {
            row = it->second;
          }
          Add(w.windows[i], u->id, u, row, paused);
        }
      }
    }
    if (by_school) return;
    // Recorded for schools the schedule no longer lists (removed, moved): kept.
    for (const auto& [school, row] : recorded) {
      if (done.count(school) || !Wanted(school)) continue;
      core::Window zoned = first;
      zoned.time_zone = bundle_.schedule.TimeZoneOf(school).value_or(first.time_zone);
      Add(zoned, school, bundle_.tree.Find(school), row, false);
    }
  }

  const config::ScheduleBundle& bundle_;
  store::Database& db_;
  store::LedgerRepository ledger_;
  const ExportRequest& request_;
  core::Instant now_;
  // By (due day, window id, requirement id).
  std::map<std::tuple<date::year_month_day, std::string, std::string>, WindowSchools> windows_;
  std::vector<Row> rows_;
  std::unordered_map<const core::Unit*, std::string> districts_;
  std::unordered_map<std::string, const date::time_zone*> zones_;
};

}  // namespace

std::variant<ExportResult, ExportError> ExportLedgerCsv(const config::ScheduleBundle& bundle,
                                                        store::Database& db,
                                                        const ExportRequest& request,
                                                        core::Instant now) {
  const auto days = (date::sys_days{request.to} - date::sys_days{request.from}).count() + 1;
  if (days < 1) return core::CodedError("bad_request", "'from' must not be after 'to'");
  if (days > kMaxExportDays) {
    return core::CodedError("bad_request",
                            "the period is at most " + std::to_string(kMaxExportDays) + " days");
  }
  for (const std::string* unit : {&request.unit, &request.scope}) {
    if (!unit->empty() && bundle.tree.Find(*unit) == nullptr) {
      return core::CodedError("not_found", "no unit '" + *unit + "'");
    }
  }
  if (!request.unit.empty() && !request.scope.empty() &&
      !bundle.tree.IsInSubtree(request.unit, request.scope)) {
    return core::CodedError("not_found", "no unit '" + request.unit + "'");
  }
  Exporter exporter(bundle, db, request, now);
  if (auto e = exporter.Collect()) return *e;
  if (auto e = exporter.Emit()) return *e;
  return exporter.Csv();
}

}  // namespace pingan::services

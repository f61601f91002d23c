#include "daemon/jobs/exemption_changes.h"

#include <spdlog/spdlog.h>
#include <map>
#include <set>

#include "daemon/core/alert.h"
#include "daemon/core/local_time.h"
#include "daemon/store/alert_repository.h"
#include "daemon/store/audit_log.h"
#include "daemon/store/exemption_repository.h"
#include "daemon/store/ledger_repository.h"
#include "daemon/store/write_transaction.h"

namespace pingan::jobs {
namespace {

// More missing rows than this in one exemption's reach are left as they are (and
// logged): a bound on one writer job, far above a district's week of closures.
constexpr int kMaxRetroRows = 200000;

using WindowKey = std::pair<std::string, std::string>;  // requirement id, window id

// The windows of `school` that `e` excuses, by key.
std::set<WindowKey> ExcusedWindows(const config::ScheduleBundle& bundle, const core::Exemption& e,
                                   const std::string& school) {
  std::set<WindowKey> out;
  for (date::sys_days d{e.first}; d <= date::sys_days{e.last}; d += date::days{1}) {
    for (const core::Window& w : bundle.schedule.WindowsOn(school, date::year_month_day{d})) {
      if (core::Excuses(e, bundle.tree, school, w)) out.insert({w.requirement_id, w.window_id});
    }
  }
  return out;
}

void ExcuseDecided(store::Database& db, const config::ScheduleBundle& bundle,
                   const core::Exemption& e, ExemptionApplied& out) {
  store::LedgerRepository ledger(db);
  // A window covering e.first has its deadline after the start of that day in any zone.
  const core::Instant since = date::sys_days{e.first} - date::days{1};
  const auto rows = ledger.MissingSince(since, kMaxRetroRows);
  if (rows.size() == static_cast<size_t>(kMaxRetroRows)) {
    spdlog::warn("exemption {}: more than {} missing rows in reach; later ones not excused", e.id,
                 kMaxRetroRows);
  }
  std::map<std::string, std::set<WindowKey>> by_school;
  for (const store::LedgerRow& row : rows) {
    if (!bundle.tree.IsInSubtree(row.school_id, e.scope_unit_id)) continue;
    auto it = by_school.find(row.school_id);
    if (it == by_school.end()) {
      it = by_school.emplace(row.school_id, ExcusedWindows(bundle, e, row.school_id)).first;
    }
    if (!it->second.contains({row.requirement_id, row.window_id})) continue;
    if (!ledger.ExcuseMissing(row, e.created_at)) continue;
    ++out.excused_rows;
    std::string alert_id =
        store::ResolveMissingAlert(db, row.school_id, row.requirement_id, row.window_id,
                                   e.created_at, [&](const core::Alert& a, core::Instant now) {
                                     return core::ResolveByExemption(a, e.id, now);
                                   });
    if (!alert_id.empty()) out.resolved_alert_ids.push_back(std::move(alert_id));
  }
}

std::string Describe(const core::Exemption& e) {
  std::string requirements;
  for (const std::string& id : e.requirement_ids)
    requirements += (requirements.empty() ? "" : ",") + id;
  return core::FormatDate(e.first) + ".." + core::FormatDate(e.last) + " " + e.scope_unit_id + " " +
         (requirements.empty() ? "all requirements" : requirements);
}

}  // namespace

ExemptionApplied CreateExemption(store::Database& db, const config::ScheduleBundle& bundle,
                                 const core::Exemption& e) {
  ExemptionApplied out;
  store::WriteTransaction tx(db);
  if (!store::ExemptionRepository(db).Insert(e)) return out;
  out.stored = true;
  ExcuseDecided(db, bundle, e, out);
  // The reason stays on the exemption: the audit says what and who, not why.
  store::AppendAudit(
      db, {e.created_at, "user:" + e.created_by, "exemption.create", e.id,
           Describe(e) + "; excused " + std::to_string(out.excused_rows) + " decided windows"});
  tx.Commit();
  return out;
}

bool WithdrawExemption(store::Database& db, const std::string& id, const std::string& who,
                       core::Instant now) {
  store::WriteTransaction tx(db);
  if (!store::ExemptionRepository(db).Withdraw(id, who, now)) return false;
  store::AppendAudit(db, {now, "user:" + who, "exemption.withdraw", id, ""});
  tx.Commit();
  return true;
}

}  // namespace pingan::jobs

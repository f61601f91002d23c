#include "daemon/services/school_service.h"

#include <algorithm>
#include <map>

#include "daemon/core/local_time.h"
#include "daemon/core/text.h"
#include "daemon/jobs/deadline_sweep.h"
#include "daemon/store/alert_repository.h"
#include "daemon/store/database.h"
#include "daemon/store/ledger_repository.h"

namespace pingan::services {
namespace {

using core::AsciiLower;

// Ledger rows read per day of history at most (several requirements, several deadlines
// a day); far above any real configuration.
constexpr int kRowsPerDay = 50;

std::string SchoolZone(const config::ScheduleBundle& b, const core::Unit& school) {
  if (auto zone = b.schedule.TimeZoneOf(school.id)) return *zone;
  return b.tree.EffectiveTimeZone(school, b.time_zone);
}

bool Matches(const core::Unit& s, const std::string& lowered) {
  return lowered.empty() || AsciiLower(s.id).find(lowered) != std::string::npos ||
         AsciiLower(s.name).find(lowered) != std::string::npos;
}

// The school's windows with a deadline after `from`: ledger rows, then the schedule's
// windows without a row that are due or cover a day up to today (newest first).
std::vector<SchoolHistoryItem> History(const config::ScheduleBundle& b, const core::Unit& school,
                                       store::LedgerRepository& ledger,
                                       const std::vector<core::Exemption>& exemptions,
                                       core::Instant from, core::Instant now, int days) {
  std::map<std::pair<std::string, std::string>, SchoolHistoryItem> items;
  for (const store::LedgerRow& row : ledger.ForSchool(school.id, days * kRowsPerDay)) {
    if (row.deadline <= from) continue;
    const bool received = row.received_at.has_value();
    items[{row.requirement_id, row.window_id}] = SchoolHistoryItem{
        row.requirement_id, "",
        row.window_id,      "",
        row.deadline,       BoardStatusOf(row.status),
        row.received_at,    received ? std::optional(row.lateness) : std::nullopt};
  }
  // Windows whose grace ended before the sweep's position and have no row were never
  // tracked (they predate the first sweep): leave them out rather than guess.
  std::optional<core::Instant> swept_to;
  if (auto position = ledger.GetState(jobs::kSweepPositionKey)) {
    swept_to = core::FromUnixMillis(std::stoll(*position));
  }
  const date::time_zone* zone = core::FindTimeZone(SchoolZone(b, school));
  const date::sys_days today{core::LocalDayOf(*zone, now).time_since_epoch()};
  for (date::sys_days d = today - date::days{days}; d <= today; d += date::days{1}) {
    for (const core::Window& w : b.schedule.WindowsOn(school.id, date::year_month_day{d})) {
      auto [it, added] = items.try_emplace({w.requirement_id, w.window_id});
      it->second.kind = core::ReportKindName(w.kind);
      if (!added) continue;
      const bool shown =
          w.deadline > from && (w.deadline <= now || date::sys_days{w.covers_last} <= today);
      if (!shown || (swept_to && w.grace_end <= *swept_to)) {
        items.erase(it);
        continue;
      }
      const bool excused =
          school.paused || core::ExcusedBy(exemptions, b.tree, school.id, w) != nullptr;
      it->second = SchoolHistoryItem{
          w.requirement_id, "",
          w.window_id,      std::string(core::ReportKindName(w.kind)),
          w.deadline,       excused ? core::BoardStatus::kExcused : core::BoardStatus::kOutstanding,
          std::nullopt,     std::nullopt};
    }
  }
  std::vector<SchoolHistoryItem> out;
  for (auto& [key, item] : items) {
    item.requirement_name = RequirementName(b, item.requirement_id);
    // A row the schedule no longer names: window ids begin with what they cover,
    // "2026-10-03", "2026-10-03@16:00" or the month "2026-10".
    if (item.kind.empty()) {
      const std::string covers = item.window_id.substr(0, item.window_id.find('@'));
      item.kind = covers.size() == 7 ? "monthly" : "all_clear";
    }
    out.push_back(std::move(item));
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const SchoolHistoryItem& a, const SchoolHistoryItem& b) {
                     return a.deadline > b.deadline;
                   });
  return out;
}

std::vector<core::Alert> OpenAlerts(store::AlertRepository& alerts, const std::string& school_id) {
  std::vector<core::Alert> out;
  for (auto state : {core::AlertState::kOpen, core::AlertState::kAcknowledged}) {
    store::AlertFilter filter;
    filter.state = state;
    filter.school_id = school_id;
    filter.limit = 1000;
    for (core::Alert& a : alerts.List(filter)) out.push_back(std::move(a));
  }
  return out;
}

}  // namespace

std::vector<SchoolRow> SchoolService::List(const SchoolsQuery& q) const {
  config::SharedSchedule b = RequireSchedule(c_);
  const std::string viewed = ViewedUnitId(*b, q.unit);
  const std::string lowered = AsciiLower(q.text);
  std::vector<const core::Unit*> schools;
  if (viewed.empty()) {
    for (const core::Unit* root : b->tree.Roots()) {
      auto under = b->tree.SchoolsUnder(root->id);
      schools.insert(schools.end(), under.begin(), under.end());
    }
  } else {
    schools = b->tree.SchoolsUnder(viewed);
  }
  std::vector<SchoolRow> out;
  for (const core::Unit* s : schools) {
    if (static_cast<int>(out.size()) >= q.limit) break;
    if (!Matches(*s, lowered)) continue;
    const core::Unit* parent = b->tree.Parent(*s);
    out.push_back({s->id, s->name, parent ? parent->id : "", parent ? parent->name : "", s->paused,
                   SchoolZone(*b, *s)});
  }
  return out;
}

SchoolPage SchoolService::Show(const SchoolQuery& q) const {
  config::SharedSchedule b = RequireSchedule(c_);
  if (q.id.empty()) throw ControlError("bad_request", "'id' is required");
  if (q.days < 1 || q.days > 366) throw ControlError("bad_request", "days must be 1..366");
  const core::Unit* school = b->tree.Find(q.id);
  if (school == nullptr || school->kind != core::UnitKind::kSchool) {
    throw ControlError("not_found", "no school " + q.id);
  }
  const core::Instant now = c_.clock.Now();
  auto db = c_.reads.Acquire();
  store::LedgerRepository ledger(db);
  store::AlertRepository alerts(db);
  const core::Instant from = now - date::days{q.days};
  SchoolPage out;
  out.school = *school;
  out.time_zone = SchoolZone(*b, *school);
  out.days = q.days;
  out.history = History(*b, *school, ledger, ExemptionsReaching(db.db(), from), from, now, q.days);
  std::vector<core::BoardStatus> statuses;
  for (const SchoolHistoryItem& h : out.history) statuses.push_back(h.status);
  out.stats = core::SummarizeReporting(statuses);
  const auto ancestors = b->tree.Ancestors(*school);
  for (auto it = ancestors.rbegin(); it != ancestors.rend(); ++it) {
    out.path.push_back(UnitRefOf(*b, (*it)->id));
  }
  out.open_alerts = OpenAlerts(alerts, school->id);
  out.names = std::move(b);
  return out;
}

}  // namespace pingan::services

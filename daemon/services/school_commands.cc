#include "daemon/services/school_commands.h"

#include <algorithm>
#include <map>

#include "daemon/core/board.h"
#include "daemon/core/local_time.h"
#include "daemon/core/text.h"
#include "daemon/jobs/deadline_sweep.h"
#include "daemon/store/alert_repository.h"
#include "daemon/store/database.h"
#include "daemon/store/ledger_repository.h"

namespace pingan::services {
namespace {

using core::AsciiLower;

using nlohmann::json;

// Ledger rows read per day of history at most (several requirements, several deadlines
// a day); far above any real configuration.
constexpr int kRowsPerDay = 50;

std::string SchoolZone(const config::ScheduleBundle& b, const core::Unit& school) {
  if (auto zone = b.schedule.TimeZoneOf(school.id)) return *zone;
  return b.tree.EffectiveTimeZone(school, b.time_zone);
}

json Schools(const ConsoleQueryContext& c, const json& args) {
  config::SharedSchedule b = RequireSchedule(c);
  const std::string viewed = ViewedUnitId(*b, args);
  const std::string q = AsciiLower(TextArg(args, "q"));
  const int limit = IntArg(args, "limit", 200, 1, 10000);
  std::vector<const core::Unit*> schools;
  if (viewed.empty()) {
    for (const core::Unit* root : b->tree.Roots()) {
      auto under = b->tree.SchoolsUnder(root->id);
      schools.insert(schools.end(), under.begin(), under.end());
    }
  } else {
    schools = b->tree.SchoolsUnder(viewed);
  }
  json out = json::array();
  for (const core::Unit* s : schools) {
    if (static_cast<int>(out.size()) >= limit) break;
    if (!q.empty() && AsciiLower(s->id).find(q) == std::string::npos &&
        AsciiLower(s->name).find(q) == std::string::npos) {
      continue;
    }
    const core::Unit* parent = b->tree.Parent(*s);
    out.push_back({{"id", s->id},
                   {"name", s->name},
                   {"parent_id", parent ? parent->id : ""},
                   {"parent_name", parent ? parent->name : ""},
                   {"paused", s->paused},
                   {"time_zone", SchoolZone(*b, *s)}});
  }
  return out;
}

struct HistoryItem {
  std::string requirement_id;
  std::string window_id;
  std::string kind;
  core::Instant deadline{};
  core::BoardStatus status = core::BoardStatus::kOutstanding;
  std::optional<core::Instant> received_at;
  std::optional<core::Millis> lateness;
};

// The school's windows with a deadline after `from`: ledger rows, then the schedule's
// windows without a row that are due or cover a day up to today (newest first).
std::vector<HistoryItem> History(const config::ScheduleBundle& b, const core::Unit& school,
                                 store::LedgerRepository& ledger,
                                 const std::vector<core::Exemption>& exemptions, core::Instant from,
                                 core::Instant now, int days) {
  std::map<std::pair<std::string, std::string>, HistoryItem> items;
  for (const store::LedgerRow& row : ledger.ForSchool(school.id, days * kRowsPerDay)) {
    if (row.deadline <= from) continue;
    const bool received = row.received_at.has_value();
    items[{row.requirement_id, row.window_id}] =
        HistoryItem{row.requirement_id,
                    row.window_id,
                    "",
                    row.deadline,
                    BoardStatusOf(row.status),
                    row.received_at,
                    received ? std::optional(row.lateness) : std::nullopt};
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
      it->second =
          HistoryItem{w.requirement_id,
                      w.window_id,
                      std::string(core::ReportKindName(w.kind)),
                      w.deadline,
                      excused ? core::BoardStatus::kExcused : core::BoardStatus::kOutstanding,
                      std::nullopt,
                      std::nullopt};
    }
  }
  std::vector<HistoryItem> out;
  for (auto& [key, item] : items) out.push_back(std::move(item));
  std::stable_sort(out.begin(), out.end(), [](const HistoryItem& a, const HistoryItem& b) {
    return a.deadline > b.deadline;
  });
  return out;
}

json HistoryJson(const config::ScheduleBundle& b, const HistoryItem& h) {
  // Window ids begin with what they cover: "2026-10-03", "2026-10-03@16:00", "2026-10".
  const std::string covers = h.window_id.substr(0, h.window_id.find('@'));
  const std::string kind =
      !h.kind.empty() ? h.kind : (covers.size() == 7 ? "monthly" : "all_clear");
  return json{{"window_id", h.window_id},
              {"requirement_id", h.requirement_id},
              {"requirement_name", RequirementName(b, h.requirement_id)},
              {"kind", kind},
              {"covers", covers},
              {"deadline", core::FormatInstantUtc(h.deadline)},
              {"status", core::BoardStatusName(h.status)},
              {"received_at", TimeOrNull(h.received_at)},
              {"lateness_minutes", h.lateness ? json(CeilMinutes(*h.lateness)) : json()}};
}

json OpenAlerts(store::AlertRepository& alerts, const std::string& school_id) {
  json out = json::array();
  for (auto state : {core::AlertState::kOpen, core::AlertState::kAcknowledged}) {
    store::AlertFilter filter;
    filter.state = state;
    filter.school_id = school_id;
    filter.limit = 1000;
    for (const core::Alert& a : alerts.List(filter)) {
      out.push_back({{"id", a.id},
                     {"kind", core::AlertKindName(a.kind)},
                     {"state", core::AlertStateName(a.state)},
                     {"created_at", core::FormatInstantUtc(a.created_at)},
                     {"severity", a.severity ? json(core::SeverityName(*a.severity)) : json()}});
    }
  }
  return out;
}

json StatsJson(int days, const core::ReportingStats& s) {
  return json{{"days", days},
              {"windows", s.windows},
              {"on_time", s.on_time},
              {"late", s.late},
              {"missing", s.missing},
              {"excused", s.excused},
              {"outstanding", s.outstanding},
              {"on_time_rate", s.on_time_rate ? json(*s.on_time_rate) : json()}};
}

json ShowSchool(const ConsoleQueryContext& c, const json& args) {
  config::SharedSchedule b = RequireSchedule(c);
  const std::string id = TextArg(args, "id");
  if (id.empty()) throw ControlError("bad_request", "'id' is required");
  const core::Unit* school = b->tree.Find(id);
  if (school == nullptr || school->kind != core::UnitKind::kSchool) {
    throw ControlError("not_found", "no school " + id);
  }
  const int days = IntArg(args, "days", 30, 1, 366);
  const core::Instant now = c.clock.Now();
  auto db = c.reads.Acquire();
  store::LedgerRepository ledger(db);
  store::AlertRepository alerts(db);
  const core::Instant from = now - date::days{days};
  const auto history =
      History(*b, *school, ledger, ExemptionsReaching(db.db(), from), from, now, days);
  std::vector<core::BoardStatus> statuses;
  json history_json = json::array();
  for (const HistoryItem& h : history) {
    statuses.push_back(h.status);
    history_json.push_back(HistoryJson(*b, h));
  }
  json path = json::array();
  const auto ancestors = b->tree.Ancestors(*school);
  for (auto it = ancestors.rbegin(); it != ancestors.rend(); ++it) {
    path.push_back(
        {{"id", (*it)->id}, {"name", (*it)->name}, {"kind", core::UnitKindName((*it)->kind)}});
  }
  return json{{"id", school->id},
              {"name", school->name},
              {"kind", core::UnitKindName(school->kind)},
              {"parent_id", school->parent_id},
              {"path", path},
              {"time_zone", SchoolZone(*b, *school)},
              {"paused", school->paused},
              {"pause_reason", school->paused_reason},
              {"contacts", ContactsJson(*school)},
              {"stats", StatsJson(days, core::SummarizeReporting(statuses))},
              {"history", history_json},
              {"open_alerts", OpenAlerts(alerts, school->id)}};
}

}  // namespace

void RegisterSchoolCommands(ControlServer& server, const ConsoleQueryContext& context) {
  // The context is copied into each handler; its references outlive the server.
  server.Register("schools", [context](const json& args) { return Schools(context, args); });
  server.Register("school.show", [context](const json& args) { return ShowSchool(context, args); });
}

}  // namespace pingan::services

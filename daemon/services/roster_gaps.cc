#include "daemon/services/roster_gaps.h"

#include <set>

#include "daemon/core/local_time.h"
#include "daemon/services/query_support.h"

namespace pingan::services {
namespace {

using nlohmann::json;

constexpr size_t kMaxLoggedGaps = 20;
constexpr const char* kLocalFormat = "%Y-%m-%d %H:%M";

std::string UnitZone(const config::ScheduleBundle* schedule, const std::string& unit_id) {
  const core::Unit* u = schedule != nullptr ? schedule->tree.Find(unit_id) : nullptr;
  const std::string fallback = schedule != nullptr ? schedule->time_zone : "";
  return u != nullptr ? schedule->tree.EffectiveTimeZone(*u, fallback) : fallback;
}

}  // namespace

std::vector<core::CoverageGap> CurrentRosterGaps(const config::ScheduleBundle* schedule,
                                                 const config::EscalationSetup* escalation,
                                                 core::Instant now, int days) {
  if (schedule == nullptr || escalation == nullptr) return {};
  std::vector<std::string> units =
      core::UnitsPagedOnDuty(escalation->settings.policies, schedule->tree);
  std::set<std::string> all(units.begin(), units.end());
  for (const auto& [unit_id, roster] : escalation->rosters) all.insert(unit_id);
  core::CoverageQuery query;
  query.now = now;
  query.horizon = std::chrono::hours{24 * days};
  query.default_zone = schedule->time_zone;
  return core::FindCoverageGaps(escalation->rosters, {all.begin(), all.end()}, schedule->calendars,
                                schedule->tree, query);
}

json RosterGapsJson(const config::ScheduleBundle* schedule,
                    const std::vector<core::CoverageGap>& gaps) {
  json out = json::array();
  for (const core::CoverageGap& g : gaps) {
    const core::Unit* u = schedule != nullptr ? schedule->tree.Find(g.unit_id) : nullptr;
    const std::string zone = UnitZone(schedule, g.unit_id);
    const auto minutes = std::chrono::duration_cast<std::chrono::minutes>(g.to - g.from).count();
    out.push_back(json{{"unit_id", g.unit_id},
                       {"unit_name", u != nullptr ? u->name : ""},
                       {"from", core::FormatInstantUtc(g.from)},
                       {"to", core::FormatInstantUtc(g.to)},
                       {"from_local", LocalText(g.from, zone, kLocalFormat)},
                       {"to_local", LocalText(g.to, zone, kLocalFormat)},
                       {"time_zone", zone},
                       {"hours", static_cast<double>(minutes) / 60.0},
                       {"period_id", g.period_id},
                       {"period", g.period_name},
                       {"period_kind", core::PeriodKindName(g.period_kind)}});
  }
  return out;
}

RosterGapWatch::RosterGapWatch(boost::asio::io_context& io, RosterCommandContext context, Log warn,
                               core::Millis every)
    : timer_(io), context_(std::move(context)), warn_(std::move(warn)), every_(every) {}

void RosterGapWatch::Start() {
  stopped_ = false;
  CheckNow();
  Schedule();
}

void RosterGapWatch::Stop() {
  stopped_ = true;
  timer_.cancel();
}

void RosterGapWatch::Schedule() {
  timer_.expires_after(every_);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || stopped_) return;
    CheckNow();
    Schedule();
  });
}

size_t RosterGapWatch::CheckNow() {
  const config::SharedSchedule schedule = context_.schedules.Get();
  const config::SharedEscalation escalation = context_.escalation.Get();
  const auto gaps =
      CurrentRosterGaps(schedule.get(), escalation.get(), context_.clock.Now(), kDefaultGapDays);
  const json rows = RosterGapsJson(schedule.get(), gaps);
  for (size_t i = 0; i < rows.size() && i < kMaxLoggedGaps; ++i) {
    const json& r = rows[i];
    warn_("roster gap: " + r["unit_id"].get<std::string>() + " (" +
          r["unit_name"].get<std::string>() + ") has nobody on duty from " +
          r["from_local"].get<std::string>() + " to " + r["to_local"].get<std::string>() + " " +
          r["time_zone"].get<std::string>() + " during " + r["period"].get<std::string>() + " (" +
          r["period_kind"].get<std::string>() + ")");
  }
  if (rows.size() > kMaxLoggedGaps) {
    warn_("roster gaps: " + std::to_string(rows.size() - kMaxLoggedGaps) +
          " more; see `pinganctl rosters gaps`");
  }
  return gaps.size();
}

}  // namespace pingan::services

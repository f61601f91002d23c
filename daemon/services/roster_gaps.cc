#include "daemon/services/roster_gaps.h"

#include <date/tz.h>

#include <set>

#include "daemon/core/local_time.h"

namespace pingan::services {
namespace {

using nlohmann::json;

constexpr size_t kMaxLoggedGaps = 20;

std::string UnitZone(const config::ScheduleBundle* schedule, const std::string& unit_id) {
  const core::Unit* u = schedule != nullptr ? schedule->tree.Find(unit_id) : nullptr;
  const std::string fallback = schedule != nullptr ? schedule->time_zone : "";
  return u != nullptr ? schedule->tree.EffectiveTimeZone(*u, fallback) : fallback;
}

// "2026-10-01 08:00" in `zone`, or UTC text when the zone is unknown.
std::string LocalText(core::Instant t, const std::string& zone) {
  const date::time_zone* z = core::FindTimeZone(zone);
  if (z == nullptr) return core::FormatInstantUtc(t);
  return date::format("%Y-%m-%d %H:%M",
                      date::zoned_time{z, date::floor<std::chrono::minutes>(t)}.get_local_time());
}

int Days(const json& args) {
  if (!args.is_object() || !args.contains("days") || args["days"].is_null()) {
    return kDefaultGapDays;
  }
  const json& v = args["days"];
  if (!v.is_number_integer() || v.get<int>() < 1 || v.get<int>() > 366) {
    throw ControlError("bad_request", "days must be 1..366");
  }
  return v.get<int>();
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
                       {"from_local", LocalText(g.from, zone)},
                       {"to_local", LocalText(g.to, zone)},
                       {"time_zone", zone},
                       {"hours", static_cast<double>(minutes) / 60.0},
                       {"period_id", g.period_id},
                       {"period", g.period_name},
                       {"period_kind", core::PeriodKindName(g.period_kind)}});
  }
  return out;
}

void RegisterRosterCommands(ControlServer& server, const RosterCommandContext& context) {
  server.Register("rosters.gaps", [context](const json& args) {
    const int days = Days(args);
    const config::SharedSchedule schedule = context.schedules.Get();
    // args.unit: only that subtree's rosters and gaps (a leader's view).
    const std::string unit = TextArg(args, "unit");
    if (!unit.empty() && (schedule == nullptr || schedule->tree.Find(unit) == nullptr)) {
      throw ControlError("not_found", "no unit " + unit);
    }
    auto in_view = [&](const std::string& unit_id) {
      return unit.empty() || schedule->tree.IsInSubtree(unit_id, unit);
    };
    const core::Instant now = context.clock.Now();
    const config::SharedEscalation escalation = context.escalation.Get();
    auto gaps = CurrentRosterGaps(schedule.get(), escalation.get(), now, days);
    std::erase_if(gaps, [&](const core::CoverageGap& g) { return !in_view(g.unit_id); });
    size_t rosters = 0;
    if (escalation) {
      for (const auto& [unit_id, roster] : escalation->rosters) {
        if (in_view(unit_id)) ++rosters;
      }
    }
    return json{{"now", core::FormatInstantUtc(now)},
                {"days", days},
                {"escalation", escalation != nullptr},
                {"rosters", rosters},
                {"gaps", RosterGapsJson(schedule.get(), gaps)}};
  });
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

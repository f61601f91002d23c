#include "daemon/services/stats_commands.h"

#include "daemon/services/stats_json.h"

namespace pingan::services {

StatsRequest StatsRequestOf(const nlohmann::json& args) {
  return StatsRequest{TextArg(args, "from", true), TextArg(args, "to", true), TextArg(args, "unit"),
                      TextArg(args, "scope"),
                      IntArg(args, "repeat_days", core::kDefaultRepeatDays, 1, kMaxStatsDays)};
}

void RegisterStatsCommands(ControlServer& server, const StatsService& service) {
  server.Register("stats", [&service](const nlohmann::json& args) {
    return StatsJson(service.Compute(StatsRequestOf(args)));
  });
}

}  // namespace pingan::services

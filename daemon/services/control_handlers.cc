#include "daemon/services/control_handlers.h"

#include "daemon/services/overview_service.h"
#include "daemon/services/status_json.h"

namespace pingan::services {

using nlohmann::json;

void RegisterControlHandlers(ControlServer& server, const StatusService& status) {
  // `status` outlives the server; its context's references too.
  const StatusService* s = &status;
  server.Register("status", [s](const json&) { return ToJson(s->Status()); });
  server.Register("clock.now", [s](const json&) { return ToJson(s->Clock()); });
  server.Register("calendar.show",
                  [s](const json& args) { return ToJson(s->Calendar(TextArg(args, "unit"))); });
  server.Register("deadlines.next", [s](const json& args) {
    return ToJson(s->NextDeadlines({TextArg(args, "unit"), IntArg(args, "limit", 10, 1, 10000)}));
  });
  server.Register("ledger.today", [s](const json& args) {
    std::optional<date::year_month_day> day;
    if (const std::string text = TextArg(args, "date"); !text.empty()) day = ParseDayText(text);
    return ToJson(s->Ledger(day));
  });
  server.Register("missing", [s](const json& args) {
    return ToJson(s->Missing(IntArg(args, "limit", 200, 1, 10000)));
  });
}

void RegisterClockCommand(ControlServer& server, const ClockService& clock) {
  const ClockService* c = &clock;
  server.RegisterChange("clock.advance", [c](const json& args) {
    return ToJson(c->Advance(ParseClockMove(TextArg(args, "by"), TextArg(args, "to"))));
  });
}

}  // namespace pingan::services

#include "daemon/services/duty_commands.h"

#include "daemon/services/duty_json.h"

namespace pingan::services {
namespace {

using nlohmann::json;

// args[key] as an instant, or nullopt (the service's default) when absent.
std::optional<core::Instant> OptionalInstant(const json& args, const char* key) {
  const std::string text = TextArg(args, key);
  if (text.empty()) return std::nullopt;
  return ParseInstantArg(key, text);
}

}  // namespace

void RegisterDutyCommands(ControlServer& server, const DutyService& duty) {
  const DutyService* s = &duty;
  server.Register("rosters", [s](const json& args) {
    return ToJson(s->Rosters({OptionalInstant(args, "at"), TextArg(args, "unit")}));
  });
  server.Register("contacts", [s](const json& args) {
    return ToJson(s->Contacts(TextArg(args, "school", true), OptionalInstant(args, "at")));
  });
  server.Register("handover", [s](const json& args) {
    return ToJson(s->Summary({OptionalInstant(args, "since"), TextArg(args, "unit")}));
  });
  server.Register("rosters.gaps", [s](const json& args) {
    return ToJson(s->Gaps({IntArg(args, "days", kDefaultGapDays, 1, 366), TextArg(args, "unit")}));
  });
}

}  // namespace pingan::services

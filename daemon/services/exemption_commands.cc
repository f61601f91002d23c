#include "daemon/services/exemption_commands.h"

#include "daemon/core/text.h"
#include "daemon/services/exemption_json.h"

namespace pingan::services {

using nlohmann::json;

std::vector<std::string> RequirementListArg(const json& args, const char* key) {
  std::vector<std::string> out;
  if (!args.contains(key) || args[key].is_null()) return out;
  const json& v = args[key];
  const auto add = [&](std::string_view id) {
    id = core::TrimSpace(id);
    if (!id.empty()) out.emplace_back(id);
  };
  if (v.is_string()) {
    const std::string text = v.get<std::string>();
    size_t start = 0;
    for (size_t comma; (comma = text.find(',', start)) != std::string::npos; start = comma + 1) {
      add(std::string_view(text).substr(start, comma - start));
    }
    add(std::string_view(text).substr(start));
    return out;
  }
  if (!v.is_array()) throw ControlError("bad_request", std::string("'") + key + "' must be a list");
  for (const json& id : v) {
    if (!id.is_string()) {
      throw ControlError("bad_request", std::string("'") + key + "' must list requirement ids");
    }
    add(id.get<std::string>());
  }
  return out;
}

void RegisterExemptionCommands(ControlServer& server, const ExemptionService& service) {
  const ExemptionService* s = &service;
  server.Register("exemptions", [s](const json& args) {
    const json all = args.value("all", json(false));
    if (!all.is_boolean()) throw ControlError("bad_request", "'all' must be true or false");
    const ExemptionQuery q{all.get<bool>(), IntArg(args, "limit", 200, 1, 10000)};
    return ExemptionListJson(s->List(q), s->schedules().Get().get(), s->Now());
  });
  server.RegisterChange("exemption.add", [s](const json& args) {
    const core::Exemption e =
        s->Create({TextArg(args, "from", true), TextArg(args, "to", true),
                   TextArg(args, "scope", true), RequirementListArg(args, "requirements"),
                   TextArg(args, "reason", true), TextArg(args, "who", true)});
    return ExemptionJson(e, s->schedules().Get().get(), s->Now());
  });
  server.RegisterChange("exemption.withdraw", [s](const json& args) {
    const core::Exemption e = s->Withdraw({TextArg(args, "id", true), TextArg(args, "who", true)});
    return ExemptionJson(e, s->schedules().Get().get(), s->Now());
  });
}

}  // namespace pingan::services

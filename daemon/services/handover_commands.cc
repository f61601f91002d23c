#include "daemon/services/handover_commands.h"

#include "daemon/core/local_time.h"

namespace pingan::services {

using nlohmann::json;

json HandoverJson(const store::Handover& h) {
  return json{{"id", h.id},
              {"note", h.note},
              {"signed_by", h.signed_by},
              {"signed_at", core::FormatInstantUtc(h.signed_at)},
              {"acked_by", h.acknowledged() ? json(h.acked_by) : json(nullptr)},
              {"acked_at", h.acked_at ? json(core::FormatInstantUtc(*h.acked_at)) : json(nullptr)}};
}

json HandoverListJson(const std::vector<store::Handover>& list) {
  json out = json::array();
  for (const store::Handover& h : list) out.push_back(HandoverJson(h));
  return out;
}

void RegisterHandoverCommands(ControlServer& server, const HandoverService& service) {
  const HandoverService* s = &service;
  server.Register("handover.list", [s](const json& args) {
    return HandoverListJson(s->List(IntArg(args, "limit", 20, 1, 1000)));
  });
  server.RegisterChange("handover.sign", [s](const json& args) {
    return HandoverJson(s->Sign(TextArg(args, "note", true), TextArg(args, "who", true)));
  });
  server.RegisterChange("handover.ack", [s](const json& args) {
    return HandoverJson(s->Acknowledge(TextArg(args, "id", true), TextArg(args, "who", true)));
  });
}

}  // namespace pingan::services

#include "daemon/services/alert_commands.h"

#include "daemon/services/alert_json.h"

namespace pingan::services {

using nlohmann::json;

void RegisterAlertCommands(ControlServer& server, const AlertService& service) {
  const AlertService* s = &service;
  server.Register("alerts", [s](const json& args) {
    AlertQuery q = ParseAlertQuery(TextArg(args, "state"), TextArg(args, "kind"));
    q.school_id = TextArg(args, "school");
    q.requirement_id = TextArg(args, "requirement");
    q.window_id = TextArg(args, "window");
    q.limit = IntArg(args, "limit", 100, 1, 10000);
    return AlertListJson(s->List(q), s->schedules().Get().get());
  });
  server.Register("alert.show", [s](const json& args) {
    return AlertDetailJson(s->Show(TextArg(args, "id", true)), s->schedules().Get().get());
  });
  server.RegisterChange("alert.ack", [s](const json& args) {
    return AckAcceptedJson(s->Acknowledge(
        {TextArg(args, "id", true), TextArg(args, "who", true), TextArg(args, "comment")}));
  });
  server.RegisterChange("alert.resolve", [s](const json& args) {
    ResolveRequest r{TextArg(args, "id", true), TextArg(args, "who", true),
                     TextArg(args, "comment", true), core::ResolveReason::kHandled};
    r.reason = ParseResolveRequestReason(TextArg(args, "reason", true));
    s->Resolve(r);
    return ResolveAcceptedJson(r);
  });
  server.RegisterChange("alert.comment", [s](const json& args) {
    const CommentRequest r{TextArg(args, "id", true), TextArg(args, "who", true),
                           TextArg(args, "comment", true)};
    s->Comment(r);
    return CommentAcceptedJson(r);
  });
  server.Register("outbox", [s](const json& args) {
    return OutboxListingJson(s->ListOutbox(
        ParseOutboxQuery(TextArg(args, "state"), IntArg(args, "limit", 200, 1, 10000))));
  });
}

}  // namespace pingan::services

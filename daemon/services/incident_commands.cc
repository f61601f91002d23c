#include "daemon/services/incident_commands.h"

#include "daemon/services/incident_json.h"

namespace pingan::services {

using nlohmann::json;

void RegisterIncidentCommands(ControlServer& server, const IncidentService& service) {
  const IncidentService* s = &service;
  server.Register("incidents", [s](const json& args) {
    IncidentQuery q = ParseIncidentQuery(TextArg(args, "state"));
    q.school_id = TextArg(args, "school");
    q.limit = IntArg(args, "limit", 100, 1, 10000);
    return IncidentListJson(s->List(q), s->schedules().Get().get());
  });
  server.Register("incident.show", [s](const json& args) {
    const std::string id = TextArg(args, "id", true);
    const json with = args.value("with_text", json(false));
    if (!with.is_boolean()) throw ControlError("bad_request", "'with_text' must be true or false");
    return IncidentDetailJson(s->Show(id, with.get<bool>()), s->schedules().Get().get());
  });
  server.RegisterChange("incident.assign", [s](const json& args) {
    return AssignAcceptedJson(
        s->Assign({TextArg(args, "id", true), TextArg(args, "who", true),
                   TextArg(args, "owner", true), TextArg(args, "owner_role")}));
  });
  server.RegisterChange("incident.note", [s](const json& args) {
    return NoteAcceptedJson(s->AddNote(
        {TextArg(args, "id", true), TextArg(args, "who", true), TextArg(args, "text", true)}));
  });
  server.RegisterChange("incident.close", [s](const json& args) {
    CloseRequest r{TextArg(args, "id", true), TextArg(args, "who", true),
                   store::CaseOutcome::kHandled, TextArg(args, "comment")};
    r.outcome = ParseCloseOutcome(TextArg(args, "outcome", true));
    return CloseAcceptedJson(s->Close(std::move(r)));
  });
}

}  // namespace pingan::services

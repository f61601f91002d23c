#include "daemon/services/school_commands.h"

#include "daemon/services/school_json.h"

namespace pingan::services {

using nlohmann::json;

void RegisterSchoolCommands(ControlServer& server, const SchoolService& schools) {
  const SchoolService* s = &schools;
  server.Register("schools", [s](const json& args) {
    return ToJson(
        s->List({TextArg(args, "unit"), TextArg(args, "q"), IntArg(args, "limit", 200, 1, 10000)}));
  });
  server.Register("school.show", [s](const json& args) {
    return ToJson(s->Show({TextArg(args, "id"), IntArg(args, "days", 30, 1, 366)}));
  });
}

}  // namespace pingan::services

#include "daemon/services/board_commands.h"

#include "daemon/services/board_json.h"

namespace pingan::services {

using nlohmann::json;

BoardQuery BoardQueryOf(const json& args) {
  BoardQuery q;
  if (const std::string text = TextArg(args, "date"); !text.empty()) q.date = ParseDayText(text);
  q.unit = TextArg(args, "unit");
  return q;
}

BoardSchoolsQuery BoardSchoolsQueryOf(const json& args) {
  BoardSchoolsQuery q;
  q.window = TextArg(args, "window");
  if (const std::string s = TextArg(args, "status"); !s.empty()) q.status = ParseStatusText(s);
  q.limit = IntArg(args, "limit", 10000, 1, 10000);
  q.requirement = TextArg(args, "requirement");
  q.unit = TextArg(args, "unit");
  return q;
}

void RegisterBoardCommands(ControlServer& server, const OverviewService& overview) {
  server.Register("board", [&overview](const json& args) {
    return ToJson(overview.Board(BoardQueryOf(args)));
  });
  server.Register("board.schools", [&overview](const json& args) {
    return ToJson(overview.BoardSchools(BoardSchoolsQueryOf(args)));
  });
}

}  // namespace pingan::services

// Fake answers of the console's read commands (schools,
// school.show, handover, rosters, rosters.gaps) for ApiFixture: each list holds one item
// of district A (school a1) and one of district B (school b1), so that tests can see the
// routes cut a leader's view down to their subtree. Echoes the arguments under "args"
// where a test checks what the route asked for.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace pingan::console {

inline nlohmann::json FakeHandover() {
  using nlohmann::json;
  auto alert = [](const char* id, const char* school) {
    return json{{"id", id}, {"kind", "missing"}, {"school_id", school}, {"state", "open"}};
  };
  auto event = [](const char* id, const char* school) {
    return json{{"id", id}, {"school_id", school}, {"by", "王五"}, {"at", "2026-10-03T08:40:00Z"}};
  };
  auto incident = [](const char* id, const char* school) {
    return json{{"report_id", id}, {"school_id", school}, {"severity", "III"}};
  };
  return json{
      {"since", "2026-10-02T21:00:00.000Z"},
      {"until", "2026-10-03T09:00:00.000Z"},
      {"counts",
       {{"opened", 2}, {"acknowledged", 2}, {"resolved", 1}, {"incidents", 2}, {"still_open", 2}}},
      {"opened", {alert("alert-a", "a1"), alert("alert-b", "b1")}},
      {"acknowledged", {event("alert-a", "a1"), event("alert-b", "b1")}},
      {"resolved", {event("alert-b", "b1")}},
      {"incidents", {incident("report-a", "a1"), incident("report-b", "b1")}},
      {"still_open", {alert("alert-a", "a1"), alert("alert-b", "b1")}}};
}

inline std::optional<nlohmann::json> FakeConsoleQuery(const std::string& command,
                                                      const nlohmann::json& args) {
  using nlohmann::json;
  if (command == "schools") {
    return json{{{"id", "a1"}, {"parent_id", "district-a"}},
                {{"id", "b1"}, {"parent_id", "district-b"}}};
  }
  if (command == "school.show") return json{{"id", args.at("id")}, {"args", args}};
  if (command == "handover") {
    json out = FakeHandover();
    out["args"] = args;
    return out;
  }
  if (command == "rosters") {
    return json{{"args", args},
                {"escalation", true},
                {"rosters", {{{"unit_id", "district-a"}}, {{"unit_id", "district-b"}}}}};
  }
  if (command == "rosters.gaps") {
    return json{{"args", args}, {"gaps", {{{"unit_id", "a1"}}, {{"unit_id", "b1"}}}}};
  }
  return std::nullopt;
}

}  // namespace pingan::console

// pinganctl: the operator's command line for a running pingand, over its control
// channel (a local socket only the daemon's user can open). Human tables by default,
// --json for scripts. See `pinganctl --help`.
#include <termios.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "daemon/app/control_server.h"

namespace {

using nlohmann::json;

std::string Text(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "";
  return v.dump();
}

// Terminal columns a UTF-8 string takes: East Asian wide characters (CJK, Hangul,
// full-width forms) take two, other code points one.
size_t DisplayWidth(std::string_view text) {
  size_t width = 0;
  for (size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    const size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : 4;
    uint32_t cp = len == 1 ? c : c & (0xff >> (len + 1));
    for (size_t k = 1; k < len && i + k < text.size(); ++k) {
      cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3f);
    }
    const bool wide = (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) ||
                      (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) ||
                      (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
                      (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x20000 && cp <= 0x3fffd);
    width += wide ? 2 : 1;
    i += len;
  }
  return width;
}

// Prints rows of objects as an aligned table with the given columns.
void PrintTable(const json& rows, const std::vector<std::string>& columns) {
  std::vector<size_t> width;
  for (const auto& c : columns) width.push_back(DisplayWidth(c));
  for (const auto& row : rows) {
    for (size_t i = 0; i < columns.size(); ++i) {
      width[i] = std::max(width[i], DisplayWidth(Text(row.value(columns[i], json()))));
    }
  }
  auto print_row = [&](auto cell) {
    for (size_t i = 0; i < columns.size(); ++i) {
      const std::string text = cell(i);
      std::cout << text << std::string(width[i] - DisplayWidth(text) + 2, ' ');
    }
    std::cout << "\n";
  };
  print_row([&](size_t i) { return columns[i]; });
  for (const auto& row : rows)
    print_row([&](size_t i) { return Text(row.value(columns[i], json())); });
  if (rows.empty()) std::cout << "(none)\n";
}

// A password from the terminal (echo off) or, when piped, the first line of stdin;
// never from argv, where other users of the machine could read it.
std::string ReadPassword() {
  const bool tty = ::isatty(STDIN_FILENO) != 0;
  termios saved{};
  if (tty) {
    std::cerr << "password: " << std::flush;
    ::tcgetattr(STDIN_FILENO, &saved);
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::string password;
  std::getline(std::cin, password);
  if (tty) {
    ::tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    std::cerr << "\n";
  }
  return password;
}

void PrintHuman(const std::string& command, const json& result) {
  if (command == "tokens.create") {
    std::cout << "API token " << Text(result["label"]) << " (shown only this once):\n"
              << Text(result["token"]) << "\n";
  } else if (command == "deadlines.next") {
    PrintTable(result, {"deadline", "requirement_id", "window_id", "time_zone", "schools"});
  } else if (command == "ledger.today") {
    std::cout << "date " << Text(result["date"]) << "\n";
    PrintTable(result["windows"], {"requirement_id", "window_id", "deadline", "schools", "on_time",
                                   "late", "missing", "excused", "outstanding"});
  } else if (command == "missing") {
    PrintTable(result, {"school_id", "school_name", "requirement_id", "window_id", "deadline",
                        "alert_state"});
  } else if (command == "alerts") {
    PrintTable(result, {"id", "kind", "school_id", "school_name", "window_id", "state", "step",
                        "next_wakeup", "notified"});
  } else if (command == "alert.show") {
    for (const char* key : {"id", "kind", "school_id", "school_name", "requirement_id", "window_id",
                            "severity", "state", "created_at", "acknowledged_by", "ack_expires_at",
                            "resolve_reason", "policy", "step", "pass", "next_wakeup"}) {
      std::cout << key << ": " << Text(result.value(key, json())) << "\n";
    }
    std::cout << "\ntimeline\n";
    PrintTable(result["timeline"], {"at", "actor", "what", "comment"});
    std::cout << "\nnotified\n";
    PrintTable(result["notified"], {"name", "channels", "first_at"});
    std::cout << "\nnotifications\n";
    PrintTable(result["outbox"], {"id", "kind", "recipient", "channel", "state", "attempts",
                                  "next_attempt", "last_error"});
  } else if (command == "alert.ack" || command == "alert.resolve") {
    // Written by the daemon's store thread right after this answer; `alert show` then
    // shows it on the timeline.
    std::cout << "alert " << Text(result["id"]) << ": " << Text(result["state"]) << " (accepted)\n";
  } else if (command == "outbox") {
    std::cout << "counts " << result["counts"].dump() << "\n";
    PrintTable(result["rows"], {"id", "kind", "alerts", "recipient", "channel", "state", "attempts",
                                "next_attempt", "lease_until", "last_error"});
  } else if (command == "rosters.gaps") {
    // Local times are in each unit's zone (time_zone column).
    std::cout << "roster gaps in public holidays and major events, next " << Text(result["days"])
              << " days\n";
    if (!result.value("escalation", false)) std::cout << "(escalation is not configured)\n";
    PrintTable(result["gaps"], {"unit_id", "unit_name", "from_local", "to_local", "time_zone",
                                "hours", "period", "period_kind"});
  } else {
    std::cout << result.dump(2) << "\n";
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"pinganctl: ask a running pingand what is going on, or drive its drill clock"};
  std::string data_dir = "pingan-data";
  std::string socket;
  bool as_json = false;
  int limit = 0;
  std::string date;
  std::string by;
  app.add_option("--data-dir", data_dir, "pingand's data directory (default: pingan-data)");
  app.add_option("--socket", socket, "Control socket (default: <data-dir>/control.sock)");
  app.add_flag("--json", as_json, "Print the daemon's JSON answer");
  app.require_subcommand(1);

  std::string command;
  json args = json::object();
  auto simple = [&](CLI::App* parent, const std::string& name, const std::string& cmd,
                    const std::string& help) {
    auto* sub = parent->add_subcommand(name, help);
    sub->callback([&, cmd] { command = cmd; });
    return sub;
  };
  simple(&app, "status", "status", "Counts of reports, alerts and notifications");
  auto* clock = app.add_subcommand("clock", "The daemon's clock")->require_subcommand(1);
  simple(clock, "now", "clock.now", "Show the daemon's current time");
  simple(clock, "advance", "clock.advance", "Jump a drill clock forward (drill mode only)")
      ->add_option("duration", by, "e.g. 2h, 1d, 30m")
      ->required();
  auto* calendar = app.add_subcommand("calendar", "Calendars")->require_subcommand(1);
  simple(calendar, "show", "calendar.show", "Calendars, periods and requirements");
  auto* deadlines = app.add_subcommand("deadlines", "Deadlines")->require_subcommand(1);
  simple(deadlines, "next", "deadlines.next", "The next deadlines")
      ->add_option("--limit", limit, "How many");
  auto* ledger = app.add_subcommand("ledger", "Who reported")->require_subcommand(1);
  simple(ledger, "today", "ledger.today", "Today's windows: on time, late, missing, outstanding")
      ->add_option("--date", date, "Another local date, YYYY-MM-DD");
  simple(&app, "missing", "missing", "Schools that missed a deadline")
      ->add_option("--limit", limit, "How many");
  std::string state, kind, school, id, who, comment, reason;
  auto* alerts = simple(&app, "alerts", "alerts", "Alerts, newest first");
  alerts->add_option("--state", state, "open, acknowledged or resolved");
  alerts->add_option("--kind", kind, "missing, late or incident");
  alerts->add_option("--school", school, "One school's alerts");
  alerts->add_option("--limit", limit, "How many");
  auto* alert = app.add_subcommand("alert", "One alert")->require_subcommand(1);
  simple(alert, "show", "alert.show", "An alert with its timeline and notifications")
      ->add_option("id", id, "Alert id")
      ->required();
  auto* ack = simple(alert, "ack", "alert.ack", "Acknowledge: stops escalation");
  ack->add_option("id", id, "Alert id")->required();
  ack->add_option("--who", who, "Your name")->required();
  ack->add_option("--comment", comment, "What you are doing about it")->required();
  auto* resolve = simple(alert, "resolve", "alert.resolve", "Resolve; those told are informed");
  resolve->add_option("id", id, "Alert id")->required();
  resolve->add_option("--reason", reason, "handled or false_alarm")
      ->required()
      ->check(CLI::IsMember({"handled", "false_alarm"}));
  resolve->add_option("--who", who, "Your name")->required();
  resolve->add_option("--comment", comment, "How it was resolved")->required();
  auto* outbox = simple(&app, "outbox", "outbox", "Notifications and their delivery state");
  outbox->add_option("--state", state, "pending, leased, delivered or failed");
  outbox->add_option("--limit", limit, "How many");
  int days = 0;
  auto* rosters = app.add_subcommand("rosters", "Duty rosters")->require_subcommand(1);
  simple(rosters, "gaps", "rosters.gaps",
         "Times with nobody on duty during coming public holidays and major events")
      ->add_option("--days", days, "How many days ahead (default 14)")
      ->check(CLI::Range(1, 366));
  std::string name, role, scope, label;  // users and tokens (HTTP API access)
  auto* users = app.add_subcommand("users", "HTTP API users")->require_subcommand(1);
  auto* user_add = simple(users, "add", "users.add", "Add a user; password read from stdin");
  user_add->add_option("name", name, "User name")->required();
  user_add->add_option("--role", role, "admin, duty_officer, leader or auditor")->required();
  user_add->add_option("--scope", scope, "Leaders: the org unit whose subtree they see");
  simple(users, "passwd", "users.passwd", "Set a password (read from stdin); ends sessions")
      ->add_option("name", name, "User name")
      ->required();
  simple(users, "disable", "users.disable", "Disable a user and end their sessions")
      ->add_option("name", name, "User name")
      ->required();
  auto* tokens = app.add_subcommand("tokens", "HTTP API tokens")->require_subcommand(1);
  auto* token_create = simple(tokens, "create", "tokens.create", "New API token, printed once");
  token_create->add_option("label", label, "What it is for, e.g. monitoring")->required();
  token_create->add_option("--role", role, "admin, duty_officer, leader or auditor")->required();
  token_create->add_option("--scope", scope, "Leaders: the org unit whose subtree they see");
  CLI11_PARSE(app, argc, argv);

  for (auto [key, value] :
       {std::pair{"state", &state}, std::pair{"kind", &kind}, std::pair{"school", &school},
        std::pair{"id", &id}, std::pair{"who", &who}, std::pair{"comment", &comment},
        std::pair{"reason", &reason}, std::pair{"name", &name}, std::pair{"role", &role},
        std::pair{"scope", &scope}, std::pair{"label", &label}}) {
    if (!value->empty()) args[key] = *value;
  }

  if (command == "users.add" || command == "users.passwd") args["password"] = ReadPassword();
  if (limit > 0) args["limit"] = limit;
  if (days > 0) args["days"] = days;
  if (!date.empty()) args["date"] = date;
  if (!by.empty()) args["by"] = by;
  if (socket.empty()) socket = (std::filesystem::path(data_dir) / "control.sock").string();
  try {
    const json answer = pingan::app::ControlRequest(socket, command, args);
    if (!answer.value("ok", false)) {
      std::cerr << "pinganctl: " << Text(answer["error"]["message"]) << " ("
                << Text(answer["error"]["code"]) << ")\n";
      return 2;
    }
    if (as_json) {
      std::cout << answer["result"].dump(2) << "\n";
    } else {
      PrintHuman(command, answer["result"]);
    }
  } catch (const std::exception& e) {
    std::cerr << "pinganctl: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

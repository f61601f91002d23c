#include "daemon/ctl/command_table.h"

#include <algorithm>

namespace pingan::ctl {
namespace {

using nlohmann::json;

CLI::Option* Text(CLI::App& a, CtlInputs& in, const std::string& name, const char* key,
                  const std::string& help) {
  return a.add_option(name, in.text[key], help);
}

void Limit(CLI::App& a, CtlInputs& in) {
  a.add_option("--limit", in.limit, "How many")->check(CLI::Range(1, 10000));
}

HttpRoute Get(std::string path) {
  return HttpRoute{"GET", std::move(path), {}, {}, Payload::kJson, Reply::kJson};
}
HttpRoute Post(std::string path, std::vector<std::string> local_only = {}) {
  return HttpRoute{"POST",         std::move(path), {}, std::move(local_only),
                   Payload::kJson, Reply::kJson};
}

void RoleAndScope(CLI::App& a, CtlInputs& in) {
  Text(a, in, "--role", "role", "admin, duty_officer, leader, auditor or wall (the big screen)")
      ->required()
      ->check(CLI::IsMember({"admin", "duty_officer", "leader", "auditor", "wall"}));
  Text(a, in, "--scope", "scope", "Leaders: the org unit whose subtree they see");
}

std::vector<CtlCommand> MakeCommands() {
  std::vector<CtlCommand> c;
  auto none = [](CLI::App&, CtlInputs&) {};
  c.push_back({"status", "status", "Counts of reports, alerts and notifications",
               Get("/api/v1/status"), none});
  c.push_back(
      {"clock now", "clock.now", "Show the daemon's current time", Get("/api/v1/clock"), none});
  // Confirming the time is an operator's act on the daemon's machine: socket only.
  c.push_back({"clock confirm", "clock.confirm",
               "Confirm the server time after a clock step: the deadlines held since are decided",
               std::nullopt, none});
  c.push_back({"clock advance", "clock.advance", "Jump a drill clock forward (drill mode only)",
               Post("/api/v1/clock/advance"), [](CLI::App& a, CtlInputs& in) {
                 auto* by = Text(a, in, "duration", "by", "e.g. 2h, 1d, 30m");
                 auto* to = Text(a, in, "--to", "to",
                                 "Jump to this time instead, e.g. 2026-10-03T16:30:00+08:00");
                 by->excludes(to);  // one of them: pingand says so when neither is given
               }});
  c.push_back({"calendar show", "calendar.show", "Calendars, periods and requirements",
               Get("/api/v1/calendars"), none});
  c.push_back(
      {"deadlines next", "deadlines.next", "The next deadlines", Get("/api/v1/deadlines"), Limit});
  c.push_back({"ledger today", "ledger.today",
               "Today's windows: on time, late, missing, outstanding", Get("/api/v1/board"),
               [](CLI::App& a, CtlInputs& in) {
                 Text(a, in, "--date", "date", "Another local date, YYYY-MM-DD");
               }});
  c.push_back(
      {"missing", "missing", "Schools that missed a deadline", Get("/api/v1/missing"), Limit});
  c.push_back({"alerts", "alerts", "Alerts, newest first", Get("/api/v1/alerts"),
               [](CLI::App& a, CtlInputs& in) {
                 Text(a, in, "--state", "state", "open, acknowledged or resolved");
                 Text(a, in, "--kind", "kind", "missing, late or incident");
                 Text(a, in, "--school", "school", "One school's alerts");
                 Limit(a, in);
               }});
  c.push_back({"alert show", "alert.show", "An alert with its timeline and notifications",
               Get("/api/v1/alerts/{id}"), [](CLI::App& a, CtlInputs& in) {
                 Text(a, in, "id", "id", "Alert id")->required();
               }});
  auto who = [](CLI::App& a, CtlInputs& in) {
    Text(a, in, "--who", "who",
         "Your name (local socket; default: your login). Over HTTP the token names you");
  };
  c.push_back({"alert ack", "alert.ack", "Acknowledge: stops escalation",
               Post("/api/v1/alerts/{id}/ack", {"who"}), [who](CLI::App& a, CtlInputs& in) {
                 Text(a, in, "id", "id", "Alert id")->required();
                 Text(a, in, "--comment", "comment", "What you are doing about it (optional)");
                 who(a, in);
               }});
  c.push_back({"alert comment", "alert.comment", "Add a note to the timeline; nothing else changes",
               Post("/api/v1/alerts/{id}/comment", {"who"}), [who](CLI::App& a, CtlInputs& in) {
                 Text(a, in, "id", "id", "Alert id")->required();
                 Text(a, in, "--comment", "comment", "The note")->required();
                 who(a, in);
               }});
  c.push_back({"alert resolve", "alert.resolve", "Resolve; those told are informed",
               Post("/api/v1/alerts/{id}/resolve", {"who"}), [who](CLI::App& a, CtlInputs& in) {
                 Text(a, in, "id", "id", "Alert id")->required();
                 Text(a, in, "--reason", "reason", "handled or false_alarm")
                     ->required()
                     ->check(CLI::IsMember({"handled", "false_alarm"}));
                 Text(a, in, "--comment", "comment", "How it was resolved")->required();
                 who(a, in);
               }});
  c.push_back({"exemption list", "exemptions", "Exemptions (免报), newest first",
               Get("/api/v1/exemptions"), [](CLI::App& a, CtlInputs& in) {
                 a.add_flag("--all", in.all, "Withdrawn ones too");
                 Limit(a, in);
               }});
  c.push_back(
      {"exemption add", "exemption.add",
       "Excuse a school or a unit's subtree from reporting for some local dates",
       Post("/api/v1/exemptions", {"who"}), [who](CLI::App& a, CtlInputs& in) {
         Text(a, in, "--from", "from", "First local date, YYYY-MM-DD")->required();
         Text(a, in, "--to", "to", "Last local date, YYYY-MM-DD (inclusive)")->required();
         Text(a, in, "--scope", "scope", "A school id, or a unit id for its subtree")->required();
         Text(a, in, "--requirements", "requirements",
              "Requirement ids, comma-separated (default: every requirement)");
         Text(a, in, "--reason", "reason", "Why, e.g. 台风停课 (shown to staff)")->required();
         who(a, in);
       }});
  c.push_back({"exemption withdraw", "exemption.withdraw",
               "Withdraw an exemption: windows not decided yet are owed again",
               Post("/api/v1/exemptions/{id}/withdraw", {"who"}),
               [who](CLI::App& a, CtlInputs& in) {
                 Text(a, in, "id", "id", "Exemption id")->required();
                 who(a, in);
               }});
  c.push_back({"handover list", "handover.list", "Shift hand-overs (交接班), newest first",
               Get("/api/v1/handovers"), Limit});
  c.push_back({"handover sign", "handover.sign",
               "Sign off your shift with a note for the incoming officer",
               Post("/api/v1/handovers", {"who"}), [who](CLI::App& a, CtlInputs& in) {
                 Text(a, in, "--note", "note", "What the next shift must know")->required();
                 who(a, in);
               }});
  c.push_back({"handover ack", "handover.ack", "Acknowledge a hand-over as the incoming officer",
               Post("/api/v1/handovers/{id}/ack", {"who"}), [who](CLI::App& a, CtlInputs& in) {
                 Text(a, in, "id", "id", "Hand-over id")->required();
                 who(a, in);
               }});
  c.push_back({"incident show", "incident.show",
               "An incident report: its facts, its case, and its text if your role may read it",
               Get("/api/v1/incidents/{id}"), [](CLI::App& a, CtlInputs& in) {
                 Text(a, in, "id", "id", "Report id of the incident")->required();
               }});
  c.push_back({"outbox", "outbox", "Notifications and their delivery state", Get("/api/v1/outbox"),
               [](CLI::App& a, CtlInputs& in) {
                 Text(a, in, "--state", "state", "pending, leased, delivered or failed");
                 Limit(a, in);
               }});
  c.push_back({"rosters gaps", "rosters.gaps",
               "Times with nobody on duty during coming public holidays and major events",
               Get("/api/v1/rosters/gaps"), [](CLI::App& a, CtlInputs& in) {
                 a.add_option("--days", in.days, "How many days ahead (default 14)")
                     ->check(CLI::Range(1, 366));
               }});
  c.push_back(
      {"users list", "users.list", "Console users and their roles", Get("/api/v1/users"), none});
  c.push_back({"users add", "users.add", "Add a user; password read from stdin",
               Post("/api/v1/users"), [](CLI::App& a, CtlInputs& in) {
                 Text(a, in, "name", "name", "User name")->required();
                 RoleAndScope(a, in);
               }});
  c.push_back({"users passwd", "users.passwd", "Set a password (read from stdin); ends sessions",
               Post("/api/v1/users/{name}/password"), [](CLI::App& a, CtlInputs& in) {
                 Text(a, in, "name", "name", "User name")->required();
               }});
  c.push_back({"users disable", "users.disable", "Disable a user and end their sessions",
               Post("/api/v1/users/{name}/disable"), [](CLI::App& a, CtlInputs& in) {
                 Text(a, in, "name", "name", "User name")->required();
               }});
  c.push_back({"tokens create", "tokens.create", "New API token, printed once",
               Post("/api/v1/tokens"), [](CLI::App& a, CtlInputs& in) {
                 Text(a, in, "label", "label", "What it is for, e.g. monitoring")->required();
                 RoleAndScope(a, in);
               }});
  c.push_back({"keys list", "keys.list", "Enrolled school keys", Get("/api/v1/keys"), none});
  c.push_back({"keys enroll", "keys.enroll",
               "Enrol a school's CURVE public key (replacing its old one)",
               Post("/api/v1/keys/{school}"), [](CLI::App& a, CtlInputs& in) {
                 Text(a, in, "school", "school", "School id")->required();
                 auto* file = a.add_option("--public-key-file", in.public_key_file,
                                           "The .pub file `pingan-agent keygen` wrote");
                 auto* gen = a.add_option("--generate", in.generate_dir,
                                          "Make the keypair here (DIR/SCHOOL.key, 0600, and "
                                          "DIR/SCHOOL.pub) for handing to the school");
                 file->excludes(gen);  // one of them is required (PrepareArgs)
               }});
  c.push_back({"keys revoke", "keys.revoke", "Revoke a school's key: it can no longer connect",
               Post("/api/v1/keys/{school}/revoke"), [](CLI::App& a, CtlInputs& in) {
                 Text(a, in, "school", "school", "School id")->required();
               }});
  HttpRoute import{"POST", "/api/v1/schools/import", {"dry_run"}, {}, Payload::kCsv, Reply::kJson};
  c.push_back({"schools import", "schools.import",
               "Add or update schools from a CSV (org CSV format); all or nothing", import,
               [](CLI::App& a, CtlInputs& in) {
                 a.add_option("file", in.csv_file, "UTF-8 CSV ('-' for stdin)")->required();
                 a.add_flag("--dry-run", in.dry_run, "Check only; change nothing");
               },
               300});
  HttpRoute ledger = Get("/api/v1/export/ledger");
  ledger.reply = Reply::kCsv;
  c.push_back({"export", "export.ledger",
               "CSV of a period's ledger (UTF-8 with BOM, opens in Excel)", ledger,
               [](CLI::App& a, CtlInputs& in) {
                 Text(a, in, "--from", "from", "First date, YYYY-MM-DD")->required();
                 Text(a, in, "--to", "to", "Last date, YYYY-MM-DD (at most 366 days)")->required();
                 Text(a, in, "--unit", "unit", "Only schools under this unit");
                 a.add_option("-o,--output", in.output, "Write to this file (default: stdout)");
               },
               300});
  c.push_back({"stats", "stats",
               "Period statistics: per day and unit, schools repeatedly late or missing, "
               "incidents, alert handling",
               Get("/api/v1/stats"),
               [](CLI::App& a, CtlInputs& in) {
                 Text(a, in, "--from", "from", "First date, YYYY-MM-DD")->required();
                 Text(a, in, "--to", "to", "Last date, YYYY-MM-DD (at most 366 days)")->required();
                 Text(a, in, "--unit", "unit", "The unit viewed (default: everything)");
                 a.add_option("--repeat-days", in.repeat_days,
                              "Name schools late or missing on at least this many days (2)")
                     ->check(CLI::Range(1, 366));
               },
               300});
  // Reads the whole live file on the daemon's machine: local control socket only.
  c.push_back({"check", "store.check",
               "Check the live database file for damage (quick_check; --full: integrity_check)",
               std::nullopt,
               [](CLI::App& a, CtlInputs& in) {
                 a.add_flag("--full", in.full, "integrity_check: slower, also checks indexes");
               },
               3600});
  // The key files are on the daemon's machine: local control socket only.
  c.push_back({"text-key rotate", "text_key.rotate",
               "New key for protected incident text: reseals every text, files the old key "
               "as retired (needed for older backups)",
               std::nullopt, none, 3600});
  // The file is written by the daemon, on its machine: local control socket only.
  c.push_back({"backup", "backup",
               "Copy the live database to FILE (consistent, while reports keep coming); lists "
               "the key files to keep separately",
               std::nullopt,
               [](CLI::App& a, CtlInputs& in) {
                 Text(a, in, "file", "path", "The copy to write (must not exist)")->required();
                 a.add_flag("--force", in.force, "Replace FILE if it exists");
               },
               3600});
  return c;
}

}  // namespace

const std::vector<CtlCommand>& Commands() {
  static const std::vector<CtlCommand> commands = MakeCommands();
  return commands;
}

const CtlCommand* FindCommand(const std::string& control) {
  for (const CtlCommand& c : Commands()) {
    if (c.control == control) return &c;
  }
  return nullptr;
}

const std::map<std::string, std::string>& GroupHelp() {
  static const std::map<std::string, std::string> help = {
      {"alert", "One alert"},
      {"calendar", "Calendars"},
      {"exemption", "Exemptions from reporting (免报)"},
      {"handover", "Shift hand-over sign-off (交接班)"},
      {"clock", "The daemon's clock"},
      {"deadlines", "Deadlines"},
      {"incident", "Incidents"},
      {"keys", "School CURVE keys"},
      {"ledger", "Who reported"},
      {"rosters", "Duty rosters"},
      {"schools", "Schools"},
      {"text-key", "The key sealing incident text"},
      {"tokens", "HTTP API tokens"},
      {"users", "HTTP API users"}};
  return help;
}

json ArgsFrom(const CtlInputs& in) {
  json args = json::object();
  for (const auto& [key, value] : in.text) {
    if (!value.empty()) args[key] = value;
  }
  if (in.limit > 0) args["limit"] = in.limit;
  if (in.days > 0) args["days"] = in.days;
  if (in.repeat_days > 0) args["repeat_days"] = in.repeat_days;
  if (in.dry_run) args["dry_run"] = true;
  if (in.force) args["force"] = true;
  if (in.full) args["full"] = true;
  if (in.all) args["all"] = true;
  return args;
}

std::string UrlEncode(const std::string& text) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    }
  }
  return out;
}

namespace {

std::string QueryText(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "1" : "0";
  return v.dump();
}

bool Listed(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

}  // namespace

std::variant<HttpCall, std::string> BuildHttpCall(const HttpRoute& route, const json& args) {
  HttpCall call;
  call.method = route.method;
  json rest = json::object();
  for (const auto& [key, value] : args.items()) {
    if (!Listed(route.local_only, key)) rest[key] = value;
  }
  std::string path = route.path;
  for (size_t open; (open = path.find('{')) != std::string::npos;) {
    const size_t close = path.find('}', open);
    const std::string name = path.substr(open + 1, close - open - 1);
    if (!rest.contains(name)) return "'" + name + "' is required";
    path.replace(open, close - open + 1, UrlEncode(QueryText(rest[name])));
    rest.erase(name);
  }
  std::string query;
  json body = json::object();
  for (const auto& [key, value] : rest.items()) {
    if (route.method == "GET" || Listed(route.query, key)) {
      query += (query.empty() ? "?" : "&") + UrlEncode(key) + "=" + UrlEncode(QueryText(value));
    } else if (route.payload == Payload::kJson) {
      body[key] = value;
    }
  }
  call.target = path + query;
  if (route.method == "GET") return call;
  if (route.payload == Payload::kCsv) {
    call.content_type = "text/csv; charset=utf-8";
    call.body = args.value("csv", "");
  } else {
    call.content_type = "application/json";
    call.body = body.dump();
  }
  return call;
}

}  // namespace pingan::ctl

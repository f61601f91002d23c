// pinganctl's command table: the ONE list of its commands. Each entry names the words
// typed ("alert ack"), the control command the daemon runs ("alert.ack") and the HTTP
// route that runs the same command (method, path, which arguments go in the query),
// plus the command-line options that fill the arguments. Both transports (the local
// control socket, the HTTP API) work from this table, so a command cannot exist on one
// and be forgotten on the other.
//
// Plain data built once; read-only afterwards. Single-threaded CLI.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

namespace pingan::ctl {

// What the options of a command fill in: text values by argument name (an empty value
// is not sent), numbers, flags and the local files some commands read or write.
struct CtlInputs {
  std::map<std::string, std::string> text;
  int limit = 0;
  int days = 0;
  int repeat_days = 0;  // stats --repeat-days
  bool dry_run = false;
  bool force = false;           // backup --force
  bool full = false;            // check --full
  bool all = false;             // exemption list --all
  std::string public_key_file;  // keys enroll --public-key-file
  std::string generate_dir;     // keys enroll --generate
  std::string csv_file;         // schools import FILE
  std::string output;           // export -o
};

enum class Payload { kJson, kCsv };  // POST body: JSON of the arguments, or args.csv raw
enum class Reply { kJson, kCsv };    // kCsv: the HTTP body is CSV; socket: result.csv

struct HttpRoute {
  std::string method;              // "GET" or "POST"
  std::string path;                // "/api/v1/alerts/{id}/ack": {name} is taken from the arguments
  std::vector<std::string> query;  // POST: arguments sent in the query string
  std::vector<std::string> local_only;  // never sent: the token's identity replaces them
  Payload payload = Payload::kJson;
  Reply reply = Reply::kJson;
};

struct CtlCommand {
  std::string words;    // "keys enroll"
  std::string control;  // "keys.enroll"
  std::string help;
  std::optional<HttpRoute> http;  // nullopt: local control socket only
  std::function<void(CLI::App&, CtlInputs&)> options;
  int timeout_seconds = 30;
};

const std::vector<CtlCommand>& Commands();
const CtlCommand* FindCommand(const std::string& control);
// Help of the intermediate words ("alert", "keys", ...).
const std::map<std::string, std::string>& GroupHelp();

// The arguments the options filled in (text values that are not empty, limit/days
// when set, dry_run when set).
nlohmann::json ArgsFrom(const CtlInputs& inputs);

// One HTTP request for a command.
struct HttpCall {
  std::string method;
  std::string target;        // path and query, e.g. "/api/v1/alerts?state=open&limit=5"
  std::string content_type;  // empty for GET
  std::string body;
};

// Builds the request: path parameters from `args`, then for GET every other argument in
// the query, for POST those named in `query` in the query and the rest in the body.
// Returns an error text when a path parameter is missing.
std::variant<HttpCall, std::string> BuildHttpCall(const HttpRoute& route,
                                                  const nlohmann::json& args);

// Percent-encoding of a query value or path segment (RFC 3986 unreserved kept).
std::string UrlEncode(const std::string& text);

}  // namespace pingan::ctl

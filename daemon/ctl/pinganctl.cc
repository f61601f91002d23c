// pinganctl: the operator's command line for pingand. With --url (or PINGAN_URL) it
// speaks the HTTP API (/api/v1) with an API token (--token-file or PINGAN_TOKEN; never
// on the command line, where other users could read it); without, the daemon's local
// control socket (the daemon's user only: the bootstrap path for the first user and
// token). Every command comes from one table (daemon/ctl/command_table.h) that
// names both its control command and its HTTP route. Human tables by default, --json
// for scripts. Exit status: 0 done, 1 pingand not reached or a local problem, 2 pingand
// refused (the message and its code on stderr). `restore` alone works offline, without
// a daemon (daemon/ctl/restore.h). See `pinganctl --help`.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <sstream>

#include "daemon/ctl/command_table.h"
#include "daemon/ctl/local_steps.h"
#include "daemon/ctl/output.h"
#include "daemon/ctl/restore.h"
#include "daemon/ctl/transport.h"

namespace {

using nlohmann::json;
using namespace pingan::ctl;

constexpr int kExitUnreached = 1;
constexpr int kExitRefused = 2;

// One subcommand per table entry; "keys enroll" hangs under a "keys" group.
void AddCommands(CLI::App& app, CtlInputs& inputs, const CtlCommand*& selected) {
  std::map<std::string, CLI::App*> groups;
  for (const CtlCommand& c : Commands()) {
    std::istringstream split(c.words);
    std::vector<std::string> words;
    for (std::string w; split >> w;) words.push_back(w);
    CLI::App* parent = &app;
    std::string path;
    for (size_t i = 0; i + 1 < words.size(); ++i) {
      path += words[i] + " ";
      auto [it, fresh] = groups.emplace(path, nullptr);
      if (fresh) {
        auto help = GroupHelp().find(words[i]);
        it->second = parent->add_subcommand(words[i], help != GroupHelp().end() ? help->second : "")
                         ->require_subcommand(1);
      }
      parent = it->second;
    }
    CLI::App* leaf = parent->add_subcommand(words.back(), c.help);
    if (c.options) c.options(*leaf, inputs);
    leaf->callback([&selected, &c] { selected = &c; });
  }
}

std::unique_ptr<Transport> MakeTransport(const std::string& url, const std::string& token_file,
                                         const std::string& data_dir, std::string socket) {
  if (url.empty()) {
    if (socket.empty()) socket = (std::filesystem::path(data_dir) / "control.sock").string();
    return std::make_unique<SocketTransport>(socket);
  }
  std::string token;
  if (!token_file.empty()) {
    token = ReadTokenFile(token_file);
  } else if (const char* env = std::getenv("PINGAN_TOKEN"); env != nullptr) {
    token = env;
  }
  if (token.empty()) {
    throw TransportError("--url needs an API token: --token-file FILE or PINGAN_TOKEN");
  }
  auto http = std::make_unique<HttpTransport>(url, token);
  if (IsPlainTextRemote(http->base_url())) {
    std::cerr << "pinganctl: warning: " << http->base_url()
              << " is plain HTTP: the token crosses the network unencrypted; use https\n";
  }
  return http;
}

int Refused(const CtlAnswer& answer, bool as_json) {
  std::cerr << "pinganctl: " << answer.error_message << " (" << answer.error_code << ")\n";
  if (answer.error_body.is_object()) {
    PrintErrors(std::cerr, answer.error_body.value("errors", json::array()));
    if (as_json) std::cout << answer.error_body.dump(2) << "\n";
  }
  return kExitRefused;
}

// The answer of a command whose result is CSV: to -o FILE or stdout.
void WriteCsv(const CtlInputs& inputs, const json& result) {
  const std::string csv = result.value("csv", "");
  WriteOutput(inputs.output, csv);
  if (!inputs.output.empty() && inputs.output != "-") {
    const auto lines = std::count(csv.begin(), csv.end(), '\n');
    std::cerr << "wrote " << inputs.output << " (" << (lines > 0 ? lines - 1 : 0) << " rows)\n";
  }
}

// `restore`: offline, no daemon involved (daemon/ctl/restore.h).
CLI::App* AddRestore(CLI::App& app, RestoreRequest& request) {
  CLI::App* restore = app.add_subcommand(
      "restore",
      "Offline, with pingand stopped: check a backup in full and install it as the data "
      "directory's database (the current one is set aside, not deleted)");
  restore->add_option("file", request.backup, "The backup (from `pinganctl backup`)")->required();
  restore->add_option("--database", request.database,
                      "The database file's name in the data directory (config `database`)");
  restore->add_flag("--check-only", request.check_only,
                    "Only check the backup (integrity_check, schema); change nothing");
  return restore;
}

int RunRestore(RestoreRequest request, const std::string& data_dir, bool as_json) {
  request.data_dir = data_dir;
  const auto now = std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
  auto restored = RestoreDatabase(request, now);
  if (auto* e = std::get_if<std::string>(&restored)) {
    std::cerr << "pinganctl: " << *e << "\n";
    return kExitUnreached;
  }
  const RestoreOutcome& r = std::get<RestoreOutcome>(restored);
  if (as_json) {
    std::cout << json{{"backup", request.backup},     {"schema_version", r.checked.schema_version},
                      {"reports", r.checked.reports}, {"installed", r.installed},
                      {"set_aside", r.set_aside},     {"missing_keys", r.missing_keys}}
                     .dump(2)
              << "\n";
    return 0;
  }
  std::cout << request.backup << ": integrity_check ok, schema " << r.checked.schema_version << ", "
            << r.checked.reports << " reports\n";
  if (request.check_only) return 0;
  std::cout << "installed as " << r.installed << "\n";
  for (const std::string& f : r.set_aside) std::cout << "previous file set aside: " << f << "\n";
  for (const std::string& f : r.missing_keys) {
    std::cout << "warning: " << f << " is missing: put back the copy you kept (unless your "
              << "configuration keeps it elsewhere) before starting pingand\n";
  }
  std::cout << "now start pingand\n";
  return 0;
}

}  // namespace

constexpr const char* kPackagedDataDir = "/var/lib/pingan";

int main(int argc, char** argv) {
  CLI::App app{"pinganctl: ask a running pingand what is going on, and administer it"};
  // The packages' state directory when it exists, else the demo's and a source tree's.
  std::string data_dir =
      std::filesystem::is_directory(kPackagedDataDir) ? kPackagedDataDir : "pingan-data";
  std::string socket, url, token_file;
  bool as_json = false;
  app.add_option("--data-dir", data_dir,
                 "pingand's data directory, for its control socket (default: /var/lib/pingan "
                 "when it exists, else ./pingan-data)")
      ->envname("PINGAN_DATA_DIR");
  app.add_option("--socket", socket, "Control socket (default: <data-dir>/control.sock)");
  app.add_option("--url", url, "pingand's HTTP API, e.g. https://pingan.example.org")
      ->envname("PINGAN_URL");
  app.add_option("--token-file", token_file,
                 "File holding an API token (`pinganctl tokens create`); or set PINGAN_TOKEN");
  app.add_flag("--json", as_json, "Print the daemon's JSON answer");
  app.require_subcommand(1);
  app.fallthrough();  // --json, --url, ... also after the command words
  CtlInputs inputs;
  const CtlCommand* selected = nullptr;
  AddCommands(app, inputs, selected);
  RestoreRequest restore_request;
  const CLI::App* restore = AddRestore(app, restore_request);
  CLI11_PARSE(app, argc, argv);
  if (restore->parsed()) return RunRestore(restore_request, data_dir, as_json);
  if (selected == nullptr) return kExitUnreached;

  json args = ArgsFrom(inputs);
  Prepared prepared;
  CtlAnswer answer;
  try {
    const std::unique_ptr<Transport> transport = MakeTransport(url, token_file, data_dir, socket);
    prepared = PrepareArgs(*selected, inputs, args, transport->local());
    try {
      answer = transport->Run(*selected, args);
    } catch (const TransportError&) {
      if (prepared.on_failure) prepared.on_failure();
      throw;
    }
    if (!answer.ok) {
      if (prepared.on_failure) prepared.on_failure();
      return Refused(answer, as_json);
    }
    if (selected->http && selected->http->reply == Reply::kCsv) {
      WriteCsv(inputs, answer.result);
      return 0;
    }
  } catch (const std::exception& e) {  // TransportError, LocalError
    std::cerr << "pinganctl: " << e.what() << "\n";
    return kExitUnreached;
  }
  if (as_json) {
    std::cout << answer.result.dump(2) << "\n";
  } else {
    PrintHuman(std::cout, selected->control, answer.result);
  }
  if (!prepared.note.empty()) std::cout << prepared.note << "\n";
  // An import that found problems applied nothing.
  const bool problems = answer.result.is_object() && answer.result.contains("errors") &&
                        !answer.result["errors"].empty();
  return problems ? kExitRefused : 0;
}

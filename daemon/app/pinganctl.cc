// pinganctl: the operator's command line for pingand. With --url (or PINGAN_URL) it
// speaks the HTTP API (/api/v1) with an API token (--token-file or PINGAN_TOKEN; never
// on the command line, where other users could read it); without, the daemon's local
// control socket (the daemon's user only: the bootstrap path for the first user and
// token). Every command comes from one table (daemon/app/ctl/command_table.h) that
// names both its control command and its HTTP route. Human tables by default, --json
// for scripts. Exit status: 0 done, 1 pingand not reached or a local problem, 2 pingand
// refused (the message and its code on stderr). See `pinganctl --help`.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <sstream>

#include "daemon/app/ctl/command_table.h"
#include "daemon/app/ctl/local_steps.h"
#include "daemon/app/ctl/output.h"
#include "daemon/app/ctl/transport.h"

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

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"pinganctl: ask a running pingand what is going on, and administer it"};
  std::string data_dir = "pingan-data";
  std::string socket, url, token_file;
  bool as_json = false;
  app.add_option("--data-dir", data_dir, "pingand's data directory, for its control socket");
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
  CLI11_PARSE(app, argc, argv);
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

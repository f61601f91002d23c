#include "daemon/ctl/local_steps.h"

#include <pwd.h>
#include <termios.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "daemon/ingest/curve_keys.h"

namespace pingan::ctl {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

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

std::string ReadAll(const std::string& path) {
  std::ostringstream text;
  if (path == "-") {
    text << std::cin.rdbuf();
    return text.str();
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw LocalError("cannot read " + path);
  text << in.rdbuf();
  return text.str();
}

// The public key to enrol: from the agent's .pub file, or a keypair made here whose
// files are removed again if the daemon refuses it.
Prepared PrepareKey(const CtlInputs& in, json& args) {
  Prepared p;
  if (in.public_key_file.empty() == in.generate_dir.empty()) {
    throw LocalError("keys enroll needs --public-key-file FILE or --generate DIR");
  }
  if (!in.public_key_file.empty()) {
    auto key = wire::ReadPublicKeyFile(in.public_key_file);
    if (auto* e = std::get_if<wire::KeyError>(&key)) throw LocalError(e->message);
    args["public_key"] = std::get<std::string>(key);
    return p;
  }
  const std::string school = args.value("school", "");
  std::error_code ec;
  fs::create_directories(in.generate_dir, ec);
  const std::string base = (fs::path(in.generate_dir) / school).string();
  const wire::CurveKeyPair keys = wire::GenerateCurveKeyPair();
  auto written = wire::WriteKeyPair(base, keys);  // refuses to overwrite a secret
  if (auto* e = std::get_if<wire::KeyError>(&written)) throw LocalError(e->message);
  args["public_key"] = keys.public_z85;
  p.on_failure = [base] {
    std::error_code ignored;
    fs::remove(base + ".key", ignored);
    fs::remove(base + ".pub", ignored);
  };
  p.note = "wrote " + base + ".key (secret, mode 0600: give it to the school only, as the " +
           "agent's key_file) and " + base + ".pub";
  return p;
}

}  // namespace

std::string LocalUserName() {
  if (const passwd* pw = ::getpwuid(::geteuid()); pw != nullptr && pw->pw_name != nullptr) {
    return pw->pw_name;
  }
  const char* user = std::getenv("USER");
  return user != nullptr ? user : "unknown";
}

Prepared PrepareArgs(const CtlCommand& command, const CtlInputs& inputs, json& args,
                     bool local_socket) {
  const std::string& c = command.control;
  Prepared p;
  if (local_socket) {
    args["actor"] = "local:" + LocalUserName();
    if ((c == "alert.ack" || c == "alert.resolve" || c == "exemption.add" ||
         c == "exemption.withdraw" || c == "handover.sign" || c == "handover.ack") &&
        !args.contains("who")) {
      args["who"] = LocalUserName();
    }
  }
  if (c == "users.add" || c == "users.passwd") args["password"] = ReadPassword();
  if (c == "keys.enroll") p = PrepareKey(inputs, args);
  if (c == "backup") {
    // The daemon resolves names from its own working directory: send an absolute one.
    args["path"] = fs::absolute(inputs.text.at("path")).lexically_normal().string();
  }
  if (c == "schools.import") {
    args["csv"] = ReadAll(inputs.csv_file);
    args["file"] = inputs.csv_file == "-" ? "stdin" : fs::path(inputs.csv_file).filename().string();
  }
  return p;
}

void WriteOutput(const std::string& path, const std::string& text) {
  if (path.empty() || path == "-") {
    std::cout << text << std::flush;
    return;
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out.write(text.data(), static_cast<std::streamsize>(text.size())) || !out.flush()) {
    throw LocalError("cannot write " + path);
  }
}

}  // namespace pingan::ctl

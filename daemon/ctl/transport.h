// pinganctl's two ways to reach pingand, both driven by the command table:
//
//  - the local control socket (ipc, 0600: the daemon's own user or root), the
//    administrator's bootstrap path on the daemon's machine (first user, first token);
//  - the HTTP API (/api/v1) with `Authorization: Bearer <token>`, from anywhere.
//
// Both give a CtlAnswer: the command's JSON result, or the API's error (code, message
// and, over HTTP, the whole error body, which may list details such as an import's
// errors). A failure to get any answer at all throws TransportError. Blocking (libcurl
// easy interface, a ZeroMQ REQ socket); single-threaded CLI.
#pragma once

#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "daemon/ctl/command_table.h"

namespace pingan::ctl {

struct TransportError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct CtlAnswer {
  bool ok = false;
  nlohmann::json result;  // ok: the result; CSV replies as {"csv": text, ...}
  std::string error_code;
  std::string error_message;
  nlohmann::json error_body;  // HTTP: the parsed error answer (may hold "errors")
};

class Transport {
 public:
  virtual ~Transport() = default;
  virtual CtlAnswer Run(const CtlCommand& command, const nlohmann::json& args) = 0;
  virtual bool local() const = 0;
};

class SocketTransport : public Transport {
 public:
  explicit SocketTransport(std::string socket_path) : socket_path_(std::move(socket_path)) {}
  CtlAnswer Run(const CtlCommand& command, const nlohmann::json& args) override;
  bool local() const override { return true; }

 private:
  std::string socket_path_;
};

class HttpTransport : public Transport {
 public:
  // `base_url`: "https://console.example.org" (a trailing "/" or "/api/v1" is dropped).
  HttpTransport(std::string base_url, std::string token);
  CtlAnswer Run(const CtlCommand& command, const nlohmann::json& args) override;
  bool local() const override { return false; }
  const std::string& base_url() const { return base_url_; }

 private:
  std::string base_url_;
  std::string token_;
};

// "http://..." to a host other than loopback: the token would cross the network in
// clear text.
bool IsPlainTextRemote(const std::string& base_url);

// The API token: the first non-comment line of `path`. Throws TransportError.
std::string ReadTokenFile(const std::string& path);

}  // namespace pingan::ctl

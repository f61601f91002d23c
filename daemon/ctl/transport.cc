#include "daemon/ctl/transport.h"

#include <sys/stat.h>

#include <fstream>
#include <iostream>

#include "daemon/core/text.h"
#include "daemon/ctl/control_client.h"
#include "daemon/notify/http_client.h"

namespace pingan::ctl {
namespace {

using nlohmann::json;

constexpr size_t kMaxAnswerBytes = size_t{512} << 20;  // an export of 300,000 rows fits

CtlAnswer HttpError(const notify::HttpResponse& res) {
  CtlAnswer a;
  a.error_body = json::parse(res.body, nullptr, false);
  if (a.error_body.is_object() && a.error_body.contains("error") &&
      a.error_body["error"].is_object()) {
    a.error_code = a.error_body["error"].value("code", "");
    a.error_message = a.error_body["error"].value("message", "");
  } else {
    a.error_body = json();
    a.error_code = "http_" + std::to_string(res.status);
    a.error_message = "HTTP status " + std::to_string(res.status);
  }
  return a;
}

}  // namespace

CtlAnswer SocketTransport::Run(const CtlCommand& command, const json& args) {
  json answer;
  try {
    answer =
        ctl::ControlRequest(socket_path_, command.control, args, command.timeout_seconds * 1000);
  } catch (const std::exception& e) {
    throw TransportError(e.what());
  }
  CtlAnswer a;
  a.ok = answer.value("ok", false);
  if (a.ok) {
    a.result = answer["result"];
    return a;
  }
  const json error = answer.value("error", json::object());
  a.error_code = error.value("code", "");
  a.error_message = error.value("message", "");
  return a;
}

HttpTransport::HttpTransport(std::string base_url, std::string token)
    : base_url_(std::move(base_url)), token_(std::move(token)) {
  while (!base_url_.empty() && base_url_.back() == '/') base_url_.pop_back();
  if (base_url_.ends_with("/api/v1")) base_url_.resize(base_url_.size() - 7);
  if (!base_url_.starts_with("http://") && !base_url_.starts_with("https://")) {
    throw TransportError("--url must start with http:// or https://");
  }
}

CtlAnswer HttpTransport::Run(const CtlCommand& command, const json& args) {
  if (!command.http) {
    throw TransportError("'" + command.words +
                         "' has no HTTP route; run it on the daemon's machine without --url");
  }
  auto built = BuildHttpCall(*command.http, args);
  if (auto* err = std::get_if<std::string>(&built)) throw TransportError(*err);
  const HttpCall& call = std::get<HttpCall>(built);
  notify::HttpRequest req;
  req.method = call.method;
  req.url = base_url_ + call.target;
  req.headers = {{"Authorization", "Bearer " + token_},
                 {"Accept", command.http->reply == Reply::kCsv ? "text/csv" : "application/json"},
                 {"User-Agent", "pinganctl"}};
  if (!call.content_type.empty()) req.headers.emplace_back("Content-Type", call.content_type);
  req.body = call.body;
  req.connect_timeout = std::chrono::seconds{5};
  req.timeout = std::chrono::seconds{command.timeout_seconds};
  req.max_response_bytes = kMaxAnswerBytes;
  const notify::HttpOutcome outcome = notify::PerformHttp(req);
  if (auto* err = std::get_if<notify::HttpTransportError>(&outcome)) {
    throw TransportError("cannot reach " + base_url_ + ": " + err->message);
  }
  const auto& res = std::get<notify::HttpResponse>(outcome);
  if (res.body.size() >= kMaxAnswerBytes) throw TransportError("the answer is too large");
  if (res.status < 200 || res.status > 299) return HttpError(res);
  CtlAnswer a;
  a.ok = true;
  if (command.http->reply == Reply::kCsv) {
    a.result = json{{"csv", res.body}};
    return a;
  }
  a.result = json::parse(res.body, nullptr, false);
  if (a.result.is_discarded()) {
    throw TransportError(base_url_ + " did not answer JSON (is it pingand's API?)");
  }
  return a;
}

bool IsPlainTextRemote(const std::string& base_url) {
  if (!base_url.starts_with("http://")) return false;
  std::string host = base_url.substr(7);
  host = host.substr(0, host.find('/'));
  if (host.starts_with("[")) return host.rfind("[::1]", 0) != 0;
  host = host.substr(0, host.find(':'));
  return host != "localhost" && !host.starts_with("127.");
}

std::string ReadTokenFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw TransportError("cannot read the token file " + path);
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && (st.st_mode & 0077) != 0) {
    std::cerr << "pinganctl: warning: " << path << " is readable by others; chmod 600 it\n";
  }
  std::string line;
  while (std::getline(in, line)) {
    line = core::Trim(line);
    if (!line.empty() && line[0] != '#') return line;
  }
  throw TransportError("the token file " + path + " holds no token");
}

}  // namespace pingan::ctl

// libFuzzer target: any bytes as what a peer sends on a console connection. They go
// through Boost.Beast's request parser with the server's limits, exactly as
// HttpSession reads them (head first, Router::Admit, then the body within the admitted
// limit; pipelined requests while keep-alive), and each request is routed through the
// real route table (api::RegisterApiRoutes, RegisterWebRoutes) over a backend without
// typed services (their routes answer 503; users and tokens reach the real AuthService).
// The credentials of a signed-in duty officer (cookie + CSRF) and of admin and leader
// API tokens are random, so the input names them by placeholder: @SESSION@, @CSRF@,
// @ADMIN@, @LEADER@ (seeds in corpus/http_router).
//
// Properties: every answer is a valid status whose errors are JSON {"error": {code,
// message}}, and it serializes to HTTP that parses back to the same status and body (no
// header injection); Admit and the full routing agree (a head Admit answers gets the
// same status when routed; an admitted one is not refused by the routing); a peer
// without credentials is never admitted more than kPublicBodyLimit of body.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <string_view>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include "daemon/api/api_routes.h"
#include "daemon/console/beast_messages.h"
#include "daemon/console/password.h"
#include "daemon/console/web_assets.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

namespace http = boost::beast::http;
using namespace pingan;
using console::Request;
using console::Response;
using fuzz::Require;
using nlohmann::json;

constexpr size_t kHeaderLimit = 16 * 1024;  // HttpServerOptions' defaults
constexpr size_t kBodyLimit = 64 * 1024;

class FixedClock : public core::Clock {
 public:
  core::Instant Now() const override { return core::FromUnixMillis(1790812800000); }
};

console::AuthOptions FastHashing() {
  console::AuthOptions options;
  options.cost = console::PasswordCost::kMinimum;
  return options;
}

struct Console {
  FixedClock clock;
  console::AuthService auth{clock, FastHashing(), [](const console::AuthService::Job&) {}};
  console::Router router{auth};
  std::string admin_token, leader_token, session, csrf;

  Console() {
    spdlog::set_level(spdlog::level::off);
    console::InitCrypto();
    api::ApiBackend backend;
    backend.in_subtree = [](const std::string& unit, const std::string& scope) {
      return unit.rfind(scope, 0) == 0;
    };
    api::RegisterApiRoutes(router, auth, backend);
    console::RegisterWebRoutes(router);
    admin_token = std::get<0>(auth.CreateToken("fuzz-admin", "admin", ""));
    leader_token = std::get<0>(auth.CreateToken("fuzz-leader", "leader", "gd-sz-ns"));
    Require(!auth.AddUser("duty", "duty_officer", "", "duty-password-1"));
  }

  // The duty officer's session, signed in again when an input signed it out (from an
  // address the inputs never use, which the login throttle never refuses).
  void EnsureSession() {
    if (!session.empty() && auth.FromSession(session)) return;
    auto ok = std::get<console::LoginOk>(auth.Login("duty", "duty-password-1", "198.51.100.1"));
    session = ok.session_token;
    csrf = ok.principal.csrf_token;
  }
};

void ReplaceAll(std::string& text, std::string_view from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

// The answer is a real status; an error is JSON with a code and a message; and what
// the server would write parses back as the same answer.
void RequireWellFormed(const Response& res) {
  Require(res.status >= 100 && res.status <= 599);
  if (res.status >= 400) {
    const json body = json::parse(res.body, nullptr, false);
    Require(body.is_object() && body.contains("error"));
    Require(body["error"].value("code", "") != "" && body["error"].value("message", "") != "");
  }
  if (res.stream) return;
  std::ostringstream wire;
  wire << console::ToBeast(res, 11, true, false);
  http::response_parser<http::string_body> parser;
  parser.eager(true);
  boost::beast::error_code ec;
  const std::string bytes = wire.str();
  const size_t used = parser.put(boost::asio::buffer(bytes), ec);
  Require(!ec && parser.is_done() && used == bytes.size());
  Require(parser.get().result_int() == static_cast<unsigned>(res.status));
  Require(parser.get().body() == res.body);
}

// Feeds `rest` to the parser until its head (or all of it) is in. False when the input
// ends first or the parser refuses it (the server answers or closes: nothing to route).
bool Feed(http::request_parser<http::string_body>& parser, std::string_view& rest, bool head) {
  while (head ? !parser.is_header_done() : !parser.is_done()) {
    if (rest.empty()) return false;  // the peer stopped sending: the read times out
    boost::beast::error_code ec;
    const size_t used = parser.put(boost::asio::buffer(rest.data(), rest.size()), ec);
    rest.remove_prefix(used);
    if (ec == http::error::need_more && used > 0) continue;
    if (ec) return false;
  }
  return true;
}

// One request off the connection, as HttpSession reads and answers it. False when the
// connection ends after it.
bool ServeOne(const Console& c, std::string_view& rest, bool credentialed) {
  http::request_parser<http::string_body> parser;
  parser.header_limit(kHeaderLimit);
  parser.body_limit(boost::none);
  if (!Feed(parser, rest, true)) return false;
  const Request head = console::ToRequest(parser.get(), "192.0.2.1", false, {});
  const console::Admission admission = c.router.Admit(head);
  if (admission.answer) {
    RequireWellFormed(*admission.answer);
    Require(c.router.Handle(head).status == admission.answer->status);
    return parser.is_done() && parser.get().keep_alive();
  }
  if (!credentialed) Require(admission.body_limit <= console::kPublicBodyLimit);
  const size_t limit = std::min(admission.body_limit, kBodyLimit);
  if (parser.content_length() && *parser.content_length() > limit) return false;  // 413
  parser.body_limit(limit);
  parser.eager(true);
  if (!parser.is_done() && !Feed(parser, rest, false)) return false;
  const Request request = console::ToRequest(parser.get(), "192.0.2.1", false, {});
  const Response res = c.router.Handle(request);
  RequireWellFormed(res);
  // What Admit let through, the routing does not refuse (handlers may still answer
  // 401 to a wrong password, 404 to an unknown alert, 415 to an import that is no CSV).
  Require(res.status != 405);
  if (res.status == 401 || res.status == 403) {
    const std::string code = json::parse(res.body)["error"].value("code", "");
    Require(code != "unauthenticated" && code != "csrf");
  }
  return parser.get().keep_alive();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Console c;
  c.EnsureSession();
  std::string bytes(reinterpret_cast<const char*>(data), size);
  const bool credentialed = bytes.find('@') != std::string::npos;
  ReplaceAll(bytes, "@SESSION@", c.session);
  ReplaceAll(bytes, "@CSRF@", c.csrf);
  ReplaceAll(bytes, "@ADMIN@", c.admin_token);
  ReplaceAll(bytes, "@LEADER@", c.leader_token);
  std::string_view rest = bytes;
  for (int i = 0; i < 8 && !rest.empty(); ++i) {
    if (!ServeOne(c, rest, credentialed)) break;
  }
  return 0;
}

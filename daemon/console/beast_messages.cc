#include "daemon/console/beast_messages.h"

#include <cctype>

#include <boost/beast/http/status.hpp>

namespace pingan::console {
namespace {

namespace http = boost::beast::http;

// Browsers that once saw HTTPS here refuse plain HTTP for a year: a downgrade by a
// man in the middle then fails instead of leaking the session cookie.
constexpr const char* kHsts = "max-age=31536000";

}  // namespace

Request ToRequest(const http::request<http::string_body>& in, const std::string& peer, bool tls,
                  const TrustedProxies& proxies) {
  Request r;
  r.method = std::string(in.method_string());
  r.target = std::string(in.target());
  for (const auto& field : in) {
    std::string name(field.name_string());
    for (char& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    r.headers[name] = std::string(field.value());
  }
  r.body = in.body();
  const ClientView client = ResolveClient(peer, tls, r.headers, proxies);
  r.client_address = client.address;
  r.tls = client.https;
  return r;
}

http::response<http::string_body> ToBeast(const Response& in, unsigned version, bool keep_alive,
                                          bool tls) {
  http::response<http::string_body> out{static_cast<http::status>(in.status), version};
  out.set(http::field::server, "pingand");
  if (tls) out.set(http::field::strict_transport_security, kHsts);
  for (const auto& [name, value] : in.headers) out.insert(name, value);
  out.body() = in.body;
  out.keep_alive(keep_alive);
  out.prepare_payload();
  return out;
}

std::string StreamHead(const Response& res, bool tls) {
  std::string head = "HTTP/1.1 " + std::to_string(res.status) + " " +
                     std::string(http::obsolete_reason(static_cast<http::status>(res.status))) +
                     "\r\nServer: pingand\r\nConnection: close\r\n";
  if (tls) head += std::string("Strict-Transport-Security: ") + kHsts + "\r\n";
  for (const auto& [name, value] : res.headers) head += name + ": " + value + "\r\n";
  return head + "\r\n";
}

}  // namespace pingan::console

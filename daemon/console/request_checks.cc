#include "daemon/console/request_checks.h"

#include <algorithm>
#include <cctype>
#include <string>

namespace pingan::console {
namespace {

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

struct HostPort {
  std::string host;  // lower case; IPv6 with its brackets
  std::string port;  // digits, never empty
};

// "host", "host:port", "[::1]:port" with the scheme's default port; nullopt when
// malformed (a path, user info, an empty host or a port that is not digits).
std::optional<HostPort> ParseHostPort(std::string_view text, std::string_view default_port) {
  if (text.empty() || text.find_first_of("/@?# \t") != std::string_view::npos) return std::nullopt;
  std::string_view host = text, port;
  if (text.front() == '[') {
    const size_t close = text.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host = text.substr(0, close + 1);
    const std::string_view rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return std::nullopt;
      port = rest.substr(1);
    }
  } else if (const size_t colon = text.rfind(':'); colon != std::string_view::npos) {
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (host.find(':') != std::string_view::npos) return std::nullopt;  // unbracketed IPv6
  }
  if (host.empty()) return std::nullopt;
  if (port.empty()) port = default_port;
  if (port.size() > 5 ||
      !std::all_of(port.begin(), port.end(), [](unsigned char c) { return std::isdigit(c); })) {
    return std::nullopt;
  }
  // "8080" and "08080" are the same port.
  const std::string number = std::to_string(std::stoi(std::string(port)));
  return HostPort{Lower(host), number};
}

}  // namespace

bool IsJsonContentType(std::string_view content_type) {
  const std::string_view media = Trim(content_type.substr(0, content_type.find(';')));
  return Lower(media) == "application/json";
}

bool SameOrigin(std::string_view origin, const Request& request) {
  const std::string scheme = request.tls ? "https" : "http";
  const std::string_view default_port = request.tls ? "443" : "80";
  const std::string prefix = scheme + "://";
  const std::string lower = Lower(Trim(origin));
  if (lower.rfind(prefix, 0) != 0) return false;  // another scheme, or "null"
  auto from = ParseHostPort(std::string_view(lower).substr(prefix.size()), default_port);
  auto to = ParseHostPort(Trim(request.Header("host")), default_port);
  return from && to && from->host == to->host && from->port == to->port;
}

std::optional<Response> JsonSameOriginRefusal(const Request& request) {
  if (!IsJsonContentType(request.Header("content-type"))) {
    return ErrorResponse(415, "unsupported_media_type",
                         "send the body as JSON with Content-Type: application/json");
  }
  const auto origin = request.headers.find("origin");
  if (origin != request.headers.end() && !SameOrigin(origin->second, request)) {
    // The header is not echoed: it is the sender's text, not necessarily UTF-8.
    return ErrorResponse(403, "cross_origin",
                         "the Origin header names another site; sign in from the console's own "
                         "page");
  }
  return std::nullopt;
}

}  // namespace pingan::console

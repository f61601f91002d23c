// Request and Response: the plain HTTP values the Router works on, with no socket and
// no Beast type in them, so that the whole API can be driven by tests as a pure
// function. Header names are stored lower-case. Plain values; no threading concerns.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace pingan::console {

struct Request {
  std::string method;  // "GET", "POST", ...
  std::string target;  // path with optional query, e.g. "/api/v1/alerts?state=open"
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string client_address;  // peer IP, for login throttling and the audit log
  bool tls = false;            // served over TLS: cookies get "Secure"

  std::string Header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? "" : it->second;
  }
};

// The open end of a streaming response (Server-Sent Events), implemented by the HTTP
// server. Used on the io thread only.
class StreamSink {
 public:
  virtual ~StreamSink() = default;
  // Queues bytes for the peer. False when the connection is gone or its queue is too
  // long (the server then closes it): the caller should forget this sink.
  virtual bool Send(std::string bytes) = 0;
  virtual bool open() const = 0;
  // Ends the stream from our side (its session ended): bytes already queued still go
  // out, then the connection closes. open() is false from now on.
  virtual void Close() = 0;
};

struct Response {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // Set by streaming routes: the server writes the headers (no length; the body lasts
  // until the connection closes), then hands the connection over to this.
  std::function<void(std::shared_ptr<StreamSink>)> stream;

  std::string Header(const std::string& name) const {
    for (const auto& [k, v] : headers) {
      if (k == name) return v;
    }
    return "";
  }
};

Response JsonResponse(int status, const nlohmann::json& body);
// {"error": {"code": ..., "message": ...}}
Response ErrorResponse(int status, const std::string& code, const std::string& message);

// An error a route handler returns by throwing; the Router turns it into ErrorResponse.
struct ApiError : std::runtime_error {
  ApiError(int status, std::string code, const std::string& message)
      : std::runtime_error(message), status(status), code(std::move(code)) {}
  int status;
  std::string code;
};

// Splits "a=1&b=x%20y" into decoded pairs (later keys win).
std::map<std::string, std::string> ParseQuery(const std::string& query);
std::string UrlDecode(const std::string& text);
// The value of cookie `name` in a Cookie header, or "".
std::string CookieValue(const std::string& cookie_header, const std::string& name);

}  // namespace pingan::console

// A minimal blocking HTTP client on libcurl's easy interface, for the SMS gateway and
// webhook channels, plus the HTTP-to-DeliveryResult mapping they share.
//
// Every request has a connect timeout and a total timeout; redirects are not followed;
// only http and https are allowed; the response body is capped. Each call uses its own
// easy handle, so calls from several threads are safe. Blocking: worker threads only
// (app/ will move this to curl multi or a pool so the event loop never waits).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "daemon/core/clock.h"
#include "daemon/core/delivery_policy.h"

namespace pingan::notify {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method = "POST";
  std::string url;
  Headers headers;
  std::string body;
  core::Millis connect_timeout{std::chrono::seconds{3}};
  core::Millis timeout{std::chrono::seconds{10}};
  size_t max_response_bytes = 64 * 1024;
};

struct HttpResponse {
  long status = 0;
  Headers headers;  // names as received
  std::string body;
};

// A failure before an HTTP status was received.
struct HttpTransportError {
  int curl_code = 0;
  std::string message;  // curl's description; never contains request headers or body
  bool transient = true;
};

using HttpOutcome = std::variant<HttpResponse, HttpTransportError>;

HttpOutcome PerformHttp(const HttpRequest& request);

// Case-insensitive lookup of the first header named `name`.
std::optional<std::string> FindHeader(const Headers& headers, std::string_view name);

// Retry-After as delta-seconds ("120") or an HTTP-date ("Wed, 21 Oct 2015 07:28:00 GMT");
// a date in the past gives 0. nullopt when malformed.
std::optional<core::Millis> ParseRetryAfter(std::string_view value, core::Instant now);

// Transport errors by their transience; statuses by core::ClassifyHttpStatus, with
// Retry-After honoured on transient ones. `what` names the peer in reasons.
core::DeliveryResult ResultFromHttp(const HttpOutcome& outcome, std::string_view what,
                                    core::Instant now);

// curl_global_init, once per process (also done lazily by every channel).
void EnsureCurlInitialized();

}  // namespace pingan::notify

#include "daemon/notify/http_client.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <memory>
#include <mutex>
#include <sstream>

#include <curl/curl.h>
#include <date/date.h>

#include "daemon/core/text.h"

namespace pingan::notify {
namespace {

struct Sink {
  HttpResponse* response;
  size_t cap;
};

size_t OnBody(char* data, size_t size, size_t n, void* user) {
  auto* sink = static_cast<Sink*>(user);
  const size_t len = size * n;
  std::string& body = sink->response->body;
  if (body.size() < sink->cap) body.append(data, std::min(len, sink->cap - body.size()));
  return len;  // the excess is dropped, not an error
}

size_t OnHeader(char* data, size_t size, size_t n, void* user) {
  auto* response = static_cast<HttpResponse*>(user);
  std::string_view line(data, size * n);
  if (line.starts_with("HTTP/")) response->headers.clear();  // e.g. after "100 Continue"
  const auto colon = line.find(':');
  if (colon != std::string_view::npos) {
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
      value.remove_prefix(1);
    while (!value.empty() &&
           (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) {
      value.remove_suffix(1);
    }
    response->headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
  }
  return size * n;
}

bool IsTransient(CURLcode code) {
  switch (code) {
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_NOT_BUILT_IN:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_LOGIN_DENIED:
    case CURLE_USE_SSL_FAILED:
    case CURLE_TOO_MANY_REDIRECTS:
    case CURLE_BAD_FUNCTION_ARGUMENT:
      return false;  // configuration problems: retrying the same way cannot help
    default:
      return true;  // connect, resolve, timeout, TLS handshake, reset: may pass later
  }
}

using CurlPtr = std::unique_ptr<CURL, decltype(&curl_easy_cleanup)>;
using SlistPtr = std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)>;

}  // namespace

void EnsureCurlInitialized() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

HttpOutcome PerformHttp(const HttpRequest& request) {
  EnsureCurlInitialized();
  CurlPtr curl(curl_easy_init(), &curl_easy_cleanup);
  if (!curl) return HttpTransportError{CURLE_FAILED_INIT, "curl_easy_init failed", true};
  SlistPtr headers(nullptr, &curl_slist_free_all);
  for (const auto& [name, value] : request.headers) {
    headers.reset(curl_slist_append(headers.release(), (name + ": " + value).c_str()));
  }
  // No "Expect: 100-continue" round trip: gateways and webhooks answer in one go.
  headers.reset(curl_slist_append(headers.release(), "Expect:"));
  HttpResponse response;
  Sink sink{&response, request.max_response_bytes};
  char error[CURL_ERROR_SIZE] = {0};
  CURL* h = curl.get();
  curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(request.connect_timeout.count()));
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &OnBody);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &OnHeader);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &response);
  if (request.method == "GET") {
    curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
  } else {
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    if (request.method != "POST")
      curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
  const CURLcode rc = curl_easy_perform(h);
  if (rc != CURLE_OK) {
    std::string message = error[0] != '\0' ? error : curl_easy_strerror(rc);
    return HttpTransportError{rc, std::move(message), IsTransient(rc)};
  }
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &response.status);
  return response;
}

std::optional<std::string> FindHeader(const Headers& headers, std::string_view name) {
  for (const auto& [n, v] : headers) {
    if (core::EqualsIgnoreCase(n, name)) return v;
  }
  return std::nullopt;
}

std::optional<core::Millis> ParseRetryAfter(std::string_view value, core::Instant now) {
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  if (value.empty()) return std::nullopt;
  if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    if (value.size() > 9) return std::nullopt;  // > 31 years: nonsense
    long long seconds = 0;
    std::from_chars(value.data(), value.data() + value.size(), seconds);
    return core::Millis{seconds * 1000};
  }
  std::istringstream in{std::string(value)};
  date::sys_seconds when;
  in >> date::parse("%a, %d %b %Y %H:%M:%S GMT", when);
  if (in.fail()) return std::nullopt;
  const auto delta = std::chrono::duration_cast<core::Millis>(when - now);
  return std::max(delta, core::Millis{0});
}

core::DeliveryResult ResultFromHttp(const HttpOutcome& outcome, std::string_view what,
                                    core::Instant now) {
  if (const auto* err = std::get_if<HttpTransportError>(&outcome)) {
    std::string reason = std::string(what) + ": " + err->message;
    return err->transient ? core::DeliveryResult::Transient(std::move(reason))
                          : core::DeliveryResult::Permanent(std::move(reason));
  }
  const auto& response = std::get<HttpResponse>(outcome);
  const std::string reason =
      std::string(what) + " answered HTTP " + std::to_string(response.status);
  switch (core::ClassifyHttpStatus(response.status)) {
    case core::DeliveryStatus::kDelivered:
      return core::DeliveryResult::Delivered();
    case core::DeliveryStatus::kPermanentFailure:
      return core::DeliveryResult::Permanent(reason);
    case core::DeliveryStatus::kTransientFailure:
      break;
  }
  std::optional<core::Millis> retry_after;
  if (auto header = FindHeader(response.headers, "Retry-After")) {
    retry_after = ParseRetryAfter(*header, now);
  }
  return core::DeliveryResult::Transient(reason, retry_after);
}

}  // namespace pingan::notify

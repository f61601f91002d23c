#include "daemon/notify/webhook_channel.h"

#include <cstdio>
#include <stdexcept>

#include <date/date.h>
#include <sodium.h>
#include <nlohmann/json.hpp>

namespace pingan::notify {
namespace {

nlohmann::json OrNull(const std::string& s) {
  return s.empty() ? nlohmann::json() : nlohmann::json(s);
}

nlohmann::json Incident(const std::optional<core::IncidentFacts>& f) {
  if (!f) return nlohmann::json();
  return {{"category", core::IncidentCategoryName(f->category)},
          {"injured", f->injured},
          {"dead", f->dead},
          {"missing", f->missing}};
}

}  // namespace

std::string WebhookBody(const core::WebhookFields& f, std::string_view idempotency_key,
                        core::Instant sent_at) {
  nlohmann::json schools = nlohmann::json::array();
  for (size_t i = 0; i < f.school_ids.size(); ++i) {
    schools.push_back(
        {{"id", f.school_ids[i]}, {"name", i < f.school_names.size() ? f.school_names[i] : ""}});
  }
  const nlohmann::json doc = {
      {"event", f.event},
      {"alert_kind", f.alert_kind},
      {"severity", OrNull(f.severity)},
      {"incident", Incident(f.incident)},
      {"needs_leader_attention", f.needs_leader_attention},
      {"resolve_reason", OrNull(f.resolve_reason)},
      {"alert_ids", f.alert_ids},
      {"schools", schools},
      {"count", f.count},
      {"requirement_id", OrNull(f.requirement_id)},
      {"window_id", OrNull(f.window_id)},
      {"deadline", OrNull(f.deadline)},
      {"console_link", OrNull(f.console_link)},
      {"text", f.text},
      {"idempotency_key", std::string(idempotency_key)},
      {"sent_at", date::format("%FT%TZ", std::chrono::floor<std::chrono::seconds>(sent_at))},
  };
  return doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string SignBody(std::string_view secret, std::string_view body) {
  crypto_auth_hmacsha256_state state;
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(secret.data()),
                              secret.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(body.data()),
                                body.size());
  crypto_auth_hmacsha256_final(&state, mac);
  sodium_memzero(&state, sizeof state);
  std::string out = "sha256=";
  char hex[3];
  for (unsigned char b : mac) {
    std::snprintf(hex, sizeof hex, "%02x", b);
    out += hex;
  }
  return out;
}

WebhookChannel::WebhookChannel(std::vector<WebhookEndpoint> endpoints, const core::Clock& clock)
    : endpoints_(std::move(endpoints)), clock_(clock) {
  EnsureCurlInitialized();
  // Idempotent and thread-safe; failing means a broken installation.
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
}

const WebhookEndpoint* WebhookChannel::Find(std::string_view name) const {
  for (const WebhookEndpoint& e : endpoints_) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

core::DeliveryResult WebhookChannel::Send(const OutgoingMessage& message) {
  const WebhookEndpoint* endpoint = Find(message.recipient.webhook);
  if (endpoint == nullptr) {
    return core::DeliveryResult::Permanent("unknown webhook endpoint '" +
                                           message.recipient.webhook + "'");
  }
  const core::Instant now = clock_.Now();
  HttpRequest request;
  request.method = "POST";
  request.url = endpoint->url;
  request.body = WebhookBody(message.content.webhook, message.idempotency_key, now);
  request.headers = endpoint->headers;
  request.headers.emplace_back("Content-Type", "application/json; charset=utf-8");
  request.headers.emplace_back("Idempotency-Key", message.idempotency_key);
  if (!endpoint->secret.empty()) {
    request.headers.emplace_back(endpoint->signature_header,
                                 SignBody(endpoint->secret, request.body));
  }
  request.connect_timeout = endpoint->connect_timeout;
  request.timeout = endpoint->timeout;
  return ResultFromHttp(PerformHttp(request), "webhook " + endpoint->name, now);
}

}  // namespace pingan::notify

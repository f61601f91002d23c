// WebhookChannel: POSTs a JSON document describing the alert(s) to configured endpoints
// (a duty-room dashboard, a chat bot bridge), optionally signed with HMAC-SHA256 over
// the exact body bytes with a shared secret (libsodium).
//
// The recipient's `webhook` field names the endpoint. Headers sent: Content-Type,
// Idempotency-Key, and the signature header "sha256=<hex>" when a secret is set.
// Send() is one blocking request bounded by timeouts; worker threads only. Thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/core/clock.h"
#include "daemon/core/message_template.h"
#include "daemon/notify/channel.h"
#include "daemon/notify/http_client.h"

namespace pingan::notify {

struct WebhookEndpoint {
  std::string name;
  std::string url;
  Headers headers;     // extra headers (e.g. a bearer token): secrets, never in reasons
  std::string secret;  // HMAC key; empty: unsigned
  std::string signature_header = "X-Pingan-Signature";
  core::Millis connect_timeout{std::chrono::seconds{3}};
  core::Millis timeout{std::chrono::seconds{10}};
};

// The JSON document: the fields of core::WebhookFields plus "schools" (id + name
// pairs), "idempotency_key" and "sent_at" (ISO 8601 UTC).
std::string WebhookBody(const core::WebhookFields& fields, std::string_view idempotency_key,
                        core::Instant sent_at);

// "sha256=" + lowercase hex HMAC-SHA256(secret, body); any secret length (RFC 2104).
std::string SignBody(std::string_view secret, std::string_view body);

class WebhookChannel final : public Channel {
 public:
  // `clock` stamps "sent_at" and reads Retry-After dates; it must outlive the channel.
  WebhookChannel(std::vector<WebhookEndpoint> endpoints, const core::Clock& clock);
  core::DeliveryResult Send(const OutgoingMessage& message) override;

 private:
  const WebhookEndpoint* Find(std::string_view name) const;

  std::vector<WebhookEndpoint> endpoints_;
  const core::Clock& clock_;
};

}  // namespace pingan::notify

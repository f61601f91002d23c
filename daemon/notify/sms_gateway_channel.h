// SmsGatewayChannel: SMS through a configurable HTTP gateway (the kind Chinese SMS
// providers offer): URL, method, headers and a body template with placeholders, plus a
// success rule on the HTTP status and optionally a JSON field of the answer.
//
// Placeholders: {phone}, {text}, {key} (idempotency key). In the URL they are always
// percent-encoded; in the body they are escaped as `body_encoding` declares. Send() is
// one blocking HTTP request bounded by timeouts; worker threads only. Thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "daemon/core/clock.h"
#include "daemon/notify/channel.h"
#include "daemon/notify/http_client.h"

namespace pingan::notify {

enum class BodyEncoding {
  kJson,  // placeholders become JSON string contents: {"to":"{phone}","msg":"{text}"}
  kForm,  // application/x-www-form-urlencoded values: to={phone}&msg={text}
  kRaw,   // inserted as they are (only for gateways that need it)
};
std::optional<BodyEncoding> ParseBodyEncoding(std::string_view name);  // "json", "form", "raw"

struct SmsGatewayConfig {
  std::string url;
  std::string method = "POST";  // POST, PUT or GET (GET sends no body)
  Headers headers;              // e.g. Authorization; values are secrets: never in reasons or logs
  std::string body_template;
  BodyEncoding body_encoding = BodyEncoding::kJson;
  long success_status_min = 200;
  long success_status_max = 299;
  // When set, the answer must be JSON whose field at this dotted path ("result.code")
  // equals `success_json_value` (strings compared as they are, other values as JSON).
  std::string success_json_field;
  std::string success_json_value;
  core::Millis connect_timeout{std::chrono::seconds{3}};
  core::Millis timeout{std::chrono::seconds{10}};
};

// Checks the method, that the URL is http(s) and that templates use known placeholders.
std::optional<std::string> ValidateSmsGatewayConfig(const SmsGatewayConfig& config);

struct TemplateValues {
  std::string phone;
  std::string text;
  std::string key;
};
std::string FillTemplate(std::string_view tmpl, const TemplateValues& values,
                         BodyEncoding encoding);
std::string JsonEscape(std::string_view s);  // without the surrounding quotes

// Applies the success rule to an HTTP outcome.
core::DeliveryResult JudgeGatewayAnswer(const SmsGatewayConfig& config, const HttpOutcome& outcome,
                                        core::Instant now);

class SmsGatewayChannel final : public Channel {
 public:
  // `clock` is used to read HTTP-date Retry-After values; it must outlive the channel.
  SmsGatewayChannel(SmsGatewayConfig config, const core::Clock& clock);
  core::DeliveryResult Send(const OutgoingMessage& message) override;

 private:
  SmsGatewayConfig config_;
  const core::Clock& clock_;
};

}  // namespace pingan::notify

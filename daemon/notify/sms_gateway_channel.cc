#include "daemon/notify/sms_gateway_channel.h"

#include "daemon/core/message_template.h"

#include <cctype>

#include <nlohmann/json.hpp>

namespace pingan::notify {
namespace {

constexpr std::string_view kPlaceholders[] = {"phone", "text", "key"};

// Calls `fn(name)` for every "{identifier}" in `tmpl`; other braces (JSON) are text.
template <typename Fn>
std::string ForEachPlaceholder(std::string_view tmpl, Fn fn) {
  std::string out;
  for (size_t i = 0; i < tmpl.size(); ++i) {
    if (tmpl[i] == '{') {
      size_t j = i + 1;
      while (j < tmpl.size() &&
             (std::islower(static_cast<unsigned char>(tmpl[j])) || tmpl[j] == '_'))
        ++j;
      if (j > i + 1 && j < tmpl.size() && tmpl[j] == '}') {
        out += fn(tmpl.substr(i + 1, j - i - 1));
        i = j;
        continue;
      }
    }
    out += tmpl[i];
  }
  return out;
}

std::string Printable(std::string_view s, size_t max) {
  std::string out;
  for (unsigned char c : s.substr(0, max))
    out += (c >= 0x20 && c < 0x7f) ? static_cast<char>(c) : '?';
  return out;
}

const nlohmann::json* FieldAt(const nlohmann::json& doc, std::string_view path) {
  const nlohmann::json* node = &doc;
  while (!path.empty()) {
    const auto dot = path.find('.');
    const std::string part(path.substr(0, dot));
    path.remove_prefix(dot == std::string_view::npos ? path.size() : dot + 1);
    if (!node->is_object() || !node->contains(part)) return nullptr;
    node = &(*node)[part];
  }
  return node;
}

}  // namespace

std::optional<BodyEncoding> ParseBodyEncoding(std::string_view name) {
  if (name == "json") return BodyEncoding::kJson;
  if (name == "form") return BodyEncoding::kForm;
  if (name == "raw") return BodyEncoding::kRaw;
  return std::nullopt;
}

std::string JsonEscape(std::string_view s) {
  const std::string quoted =
      nlohmann::json(std::string(s)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return quoted.substr(1, quoted.size() - 2);
}

std::string FillTemplate(std::string_view tmpl, const TemplateValues& v, BodyEncoding encoding) {
  return ForEachPlaceholder(tmpl, [&](std::string_view name) -> std::string {
    const std::string* value = name == "phone"  ? &v.phone
                               : name == "text" ? &v.text
                               : name == "key"  ? &v.key
                                                : nullptr;
    if (value == nullptr) return "{" + std::string(name) + "}";
    switch (encoding) {
      case BodyEncoding::kJson:
        return JsonEscape(*value);
      case BodyEncoding::kForm:
        return core::PercentEncode(*value);
      case BodyEncoding::kRaw:
        return *value;
    }
    return *value;
  });
}

std::optional<std::string> ValidateSmsGatewayConfig(const SmsGatewayConfig& c) {
  if (!c.url.starts_with("http://") && !c.url.starts_with("https://")) {
    return "sms gateway url must start with http:// or https://";
  }
  if (c.method != "POST" && c.method != "PUT" && c.method != "GET") {
    return "sms gateway method must be POST, PUT or GET";
  }
  if (c.success_status_min > c.success_status_max) return "success status range is empty";
  std::optional<std::string> problem;
  auto check = [&](std::string_view name) -> std::string {
    bool known = false;
    for (auto p : kPlaceholders) known = known || p == name;
    if (!known && !problem) problem = "unknown placeholder {" + std::string(name) + "}";
    return "";
  };
  ForEachPlaceholder(c.url, check);
  ForEachPlaceholder(c.body_template, check);
  return problem;
}

core::DeliveryResult JudgeGatewayAnswer(const SmsGatewayConfig& c, const HttpOutcome& outcome,
                                        core::Instant now) {
  const auto* response = std::get_if<HttpResponse>(&outcome);
  if (response == nullptr) return ResultFromHttp(outcome, "SMS gateway", now);
  if (response->status < c.success_status_min || response->status > c.success_status_max) {
    core::DeliveryResult r = ResultFromHttp(outcome, "SMS gateway", now);
    if (r.status != core::DeliveryStatus::kDelivered) return r;
    return core::DeliveryResult::Permanent("SMS gateway answered unexpected HTTP " +
                                           std::to_string(response->status));
  }
  if (c.success_json_field.empty()) return core::DeliveryResult::Delivered();
  const auto doc = nlohmann::json::parse(response->body, nullptr, false);
  if (doc.is_discarded()) return core::DeliveryResult::Transient("SMS gateway answer is not JSON");
  const nlohmann::json* field = FieldAt(doc, c.success_json_field);
  if (field == nullptr) {
    return core::DeliveryResult::Permanent("SMS gateway answer lacks " + c.success_json_field);
  }
  const std::string value = field->is_string() ? field->get<std::string>() : field->dump();
  if (value == c.success_json_value) return core::DeliveryResult::Delivered();
  // The gateway looked at the message and said no (bad number, blocked content, ...).
  return core::DeliveryResult::Permanent("SMS gateway refused: " + c.success_json_field + "=" +
                                         Printable(value, 64));
}

SmsGatewayChannel::SmsGatewayChannel(SmsGatewayConfig config, const core::Clock& clock)
    : config_(std::move(config)), clock_(clock) {
  EnsureCurlInitialized();
}

core::DeliveryResult SmsGatewayChannel::Send(const OutgoingMessage& message) {
  if (message.recipient.phone.empty()) return core::DeliveryResult::Permanent("no phone number");
  const TemplateValues values{message.recipient.phone, message.content.sms,
                              message.idempotency_key};
  HttpRequest request;
  request.method = config_.method;
  request.url = FillTemplate(config_.url, values, BodyEncoding::kForm);
  request.headers = config_.headers;
  if (config_.method != "GET") {
    request.body = FillTemplate(config_.body_template, values, config_.body_encoding);
    if (!FindHeader(request.headers, "Content-Type")) {
      request.headers.emplace_back("Content-Type", config_.body_encoding == BodyEncoding::kForm
                                                       ? "application/x-www-form-urlencoded"
                                                   : config_.body_encoding == BodyEncoding::kJson
                                                       ? "application/json; charset=utf-8"
                                                       : "text/plain; charset=utf-8");
    }
  }
  request.connect_timeout = config_.connect_timeout;
  request.timeout = config_.timeout;
  return JudgeGatewayAnswer(config_, PerformHttp(request), clock_.Now());
}

}  // namespace pingan::notify

// The channel part of the escalation configuration (see escalation_config.h) and the
// typed reads shared with escalation_config.cc.
#include <cstdlib>
#include <limits>

#include "daemon/config/escalation_yaml.h"

namespace pingan::config {
namespace escalation_yaml {

std::optional<LoadError> Reader::Real(const YAML::Node& map, const std::string& path,
                                      const char* key, double& out, double lo, double hi) const {
  std::string text;
  if (auto e = Text(map, path, key, text)) return e;
  if (text.empty()) return std::nullopt;
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || *end != '\0' || !(v >= lo && v <= hi)) {
    return Error(map[key], KeyPath(path, key),
                 "must be a number from " + std::to_string(lo) + " to " + std::to_string(hi));
  }
  out = v;
  return std::nullopt;
}

std::optional<LoadError> Reader::Int(const YAML::Node& map, const std::string& path,
                                     const char* key, int& out, int lo, int hi) const {
  double v = out;
  if (auto e = Real(map, path, key, v, lo, hi)) return e;
  if (v != static_cast<double>(static_cast<int>(v))) {
    return Error(map[key], KeyPath(path, key), "must be a whole number");
  }
  out = static_cast<int>(v);
  return std::nullopt;
}

std::optional<LoadError> Reader::Secret(const YAML::Node& map, const std::string& path,
                                        const char* key, std::string& out) const {
  std::string text;
  if (auto e = Text(map, path, key, text)) return e;
  if (!text.starts_with("env:")) {
    out = text;
    return std::nullopt;
  }
  const char* value = std::getenv(text.substr(4).c_str());
  if (value == nullptr) {
    return Error(map[key], KeyPath(path, key),
                 "names environment variable " + text.substr(4) + ", which is not set");
  }
  out = value;
  return std::nullopt;
}

std::optional<LoadError> Reader::Channels(const YAML::Node& map, const std::string& path,
                                          const char* key,
                                          std::vector<core::ChannelKind>& out) const {
  std::vector<std::string> names;
  if (auto e = TextList(map, path, key, names)) return e;
  if (!map[key].IsDefined()) return std::nullopt;
  out.clear();
  for (const std::string& n : names) {
    auto kind = core::ParseChannelKind(n);
    if (!kind)
      return Error(map[key], KeyPath(path, key), "'" + n + "' is not sms, email or webhook");
    out.push_back(*kind);
  }
  if (out.empty()) return Error(map[key], KeyPath(path, key), "needs at least one channel");
  return std::nullopt;
}

std::optional<LoadError> Reader::Person(const YAML::Node& n, const std::string& path,
                                        core::Recipient& out) const {
  if (auto e = Keys(n, path, {"name", "phone", "email", "webhook"})) return e;
  if (auto e = Text(n, path, "name", out.name, true)) return e;
  if (auto e = Text(n, path, "phone", out.phone)) return e;
  if (auto e = Text(n, path, "email", out.email)) return e;
  if (auto e = Text(n, path, "webhook", out.webhook)) return e;
  if (out.phone.empty() && out.email.empty() && out.webhook.empty()) {
    return Error(n, path, "needs a phone, an email or a webhook");
  }
  return std::nullopt;
}

std::optional<LoadError> Reader::HeaderMap(
    const YAML::Node& map, const std::string& path, const char* key,
    std::vector<std::pair<std::string, std::string>>& out) const {
  const YAML::Node n = map[key];
  if (!n.IsDefined() || n.IsNull()) return std::nullopt;
  const std::string p = KeyPath(path, key);
  if (!n.IsMap()) return Error(n, p, "must be a mapping of header names to values");
  for (const auto& kv : n) {
    std::string name;
    if (auto e = KeyName(kv.first, p, name)) return e;
    std::string value;
    if (auto e = Secret(n, p, name.c_str(), value)) return e;
    out.emplace_back(name, value);
  }
  return std::nullopt;
}

namespace {

std::optional<LoadError> ReadSmtp(const Reader& r, const YAML::Node& n, const std::string& path,
                                  notify::SmtpConfig& c) {
  if (auto e = r.Keys(n, path,
                      {"url", "starttls", "username", "password", "from_address", "from_name",
                       "ca_file", "verify_peer", "connect_timeout", "timeout"})) {
    return e;
  }
  if (auto e = r.Text(n, path, "url", c.url, true)) return e;
  if (!c.url.starts_with("smtp://") && !c.url.starts_with("smtps://")) {
    return r.Error(n["url"], KeyPath(path, "url"), "must start with smtp:// or smtps://");
  }
  std::string tls = "required";
  if (auto e = r.Text(n, path, "starttls", tls)) return e;
  if (tls == "required") {
    c.starttls = notify::SmtpConfig::Tls::kRequired;
  } else if (tls == "try") {
    c.starttls = notify::SmtpConfig::Tls::kTry;
  } else if (tls == "none") {
    c.starttls = notify::SmtpConfig::Tls::kNone;
  } else {
    return r.Error(n["starttls"], KeyPath(path, "starttls"), "must be required, try or none");
  }
  if (auto e = r.Text(n, path, "username", c.username)) return e;
  if (auto e = r.Secret(n, path, "password", c.password)) return e;
  if (auto e = r.Text(n, path, "from_address", c.from_address, true)) return e;
  if (auto e = r.Text(n, path, "from_name", c.from_name)) return e;
  if (auto e = r.Text(n, path, "ca_file", c.ca_file)) return e;
  if (auto e = r.Flag(n, path, "verify_peer", c.verify_peer)) return e;
  if (auto e = r.Duration(n, path, "connect_timeout", c.connect_timeout)) return e;
  return r.Duration(n, path, "timeout", c.timeout);
}

std::optional<LoadError> ReadSms(const Reader& r, const YAML::Node& n, const std::string& path,
                                 notify::SmsGatewayConfig& c) {
  if (auto e = r.Keys(n, path,
                      {"url", "method", "headers", "body_template", "body_encoding",
                       "success_status_min", "success_status_max", "success_json_field",
                       "success_json_value", "connect_timeout", "timeout"})) {
    return e;
  }
  if (auto e = r.Text(n, path, "url", c.url, true)) return e;
  if (auto e = r.Text(n, path, "method", c.method)) return e;
  if (auto e = r.HeaderMap(n, path, "headers", c.headers)) return e;
  if (auto e = r.Text(n, path, "body_template", c.body_template)) return e;
  std::string encoding = "json";
  if (auto e = r.Text(n, path, "body_encoding", encoding)) return e;
  auto parsed = notify::ParseBodyEncoding(encoding);
  if (!parsed) {
    return r.Error(n["body_encoding"], KeyPath(path, "body_encoding"), "must be json, form or raw");
  }
  c.body_encoding = *parsed;
  int lo = static_cast<int>(c.success_status_min), hi = static_cast<int>(c.success_status_max);
  if (auto e = r.Int(n, path, "success_status_min", lo, 100, 599)) return e;
  if (auto e = r.Int(n, path, "success_status_max", hi, 100, 599)) return e;
  c.success_status_min = lo;
  c.success_status_max = hi;
  if (auto e = r.Text(n, path, "success_json_field", c.success_json_field)) return e;
  if (auto e = r.Text(n, path, "success_json_value", c.success_json_value)) return e;
  if (auto e = r.Duration(n, path, "connect_timeout", c.connect_timeout)) return e;
  if (auto e = r.Duration(n, path, "timeout", c.timeout)) return e;
  if (auto problem = notify::ValidateSmsGatewayConfig(c)) return r.Error(n, path, *problem);
  return std::nullopt;
}

std::optional<LoadError> ReadWebhook(const Reader& r, const YAML::Node& n, const std::string& path,
                                     notify::WebhookEndpoint& w) {
  if (auto e = r.Keys(
          n, path,
          {"name", "url", "headers", "secret", "signature_header", "connect_timeout", "timeout"})) {
    return e;
  }
  if (auto e = r.Text(n, path, "name", w.name, true)) return e;
  if (auto e = r.Text(n, path, "url", w.url, true)) return e;
  if (!w.url.starts_with("http://") && !w.url.starts_with("https://")) {
    return r.Error(n["url"], KeyPath(path, "url"), "must start with http:// or https://");
  }
  if (auto e = r.HeaderMap(n, path, "headers", w.headers)) return e;
  if (auto e = r.Secret(n, path, "secret", w.secret)) return e;
  if (auto e = r.Text(n, path, "signature_header", w.signature_header)) return e;
  if (auto e = r.Duration(n, path, "connect_timeout", w.connect_timeout)) return e;
  return r.Duration(n, path, "timeout", w.timeout);
}

}  // namespace

std::optional<LoadError> ReadChannels(const Reader& r, const YAML::Node& n, const std::string& path,
                                      EscalationSettings& out) {
  if (auto e = r.Keys(n, path, {"smtp", "sms", "webhooks", "reminders"})) return e;
  if (auto e = r.Channels(n, path, "reminders", out.reminder_channels)) return e;
  if (n["smtp"].IsDefined() && !n["smtp"].IsNull()) {
    out.smtp.emplace();
    if (auto e = ReadSmtp(r, n["smtp"], KeyPath(path, "smtp"), *out.smtp)) return e;
  }
  if (n["sms"].IsDefined() && !n["sms"].IsNull()) {
    out.sms.emplace();
    if (auto e = ReadSms(r, n["sms"], KeyPath(path, "sms"), *out.sms)) return e;
  }
  const YAML::Node hooks = n["webhooks"];
  const std::string hpath = KeyPath(path, "webhooks");
  if (auto e = r.Sequence(hooks, hpath)) return e;
  for (size_t i = 0; hooks.IsDefined() && i < hooks.size(); ++i) {
    notify::WebhookEndpoint w;
    if (auto e = ReadWebhook(r, hooks[i], IndexPath(hpath, i), w)) return e;
    for (const auto& other : out.webhooks) {
      if (other.name == w.name) {
        return r.Error(hooks[i], IndexPath(hpath, i), "duplicate webhook name '" + w.name + "'");
      }
    }
    out.webhooks.push_back(std::move(w));
  }
  return std::nullopt;
}

namespace {

bool Configured(const EscalationSettings& s, core::ChannelKind kind) {
  switch (kind) {
    case core::ChannelKind::kSms:
      return s.sms.has_value();
    case core::ChannelKind::kEmail:
      return s.smtp.has_value();
    case core::ChannelKind::kWebhook:
      return !s.webhooks.empty();
  }
  return false;
}

}  // namespace

// An administrator wants to know of an unconfigured channel at start, not during an
// incident.
std::vector<std::string> ChannelWarnings(const EscalationSettings& s,
                                         const std::vector<core::Requirement>* requirements) {
  std::vector<std::string> out;
  auto check = [&](const std::vector<core::ChannelKind>& channels, const std::string& where) {
    for (core::ChannelKind k : channels) {
      if (!Configured(s, k)) {
        out.push_back(where + " uses " + std::string(core::ChannelKindName(k)) +
                      ", which is not configured under channels:");
      }
    }
  };
  for (const core::Policy& p : s.policies.policies) {
    for (size_t i = 0; i < p.steps.size(); ++i) {
      check(p.steps[i].channels, "policy " + p.id + " step " + std::to_string(i + 1));
    }
  }
  if (s.policies.leaders.enabled) check(s.policies.leaders.channels, "the leader rule");
  check(s.reminder_channels, "channels.reminders");
  // A route without channels uses channels.reminders, checked above.
  for (size_t i = 0; requirements != nullptr && i < requirements->size(); ++i) {
    const core::Requirement& r = (*requirements)[i];
    if (r.disabled || !r.reminder_route) continue;
    check(r.reminder_route->channels,
          "requirement " + r.id + " reminder" + (r.source.empty() ? "" : " (" + r.source + ")"));
  }
  return out;
}

}  // namespace escalation_yaml

std::shared_ptr<notify::Dispatcher> MakeDispatcher(const EscalationSettings& settings,
                                                   const core::Clock& clock) {
  auto dispatcher = std::make_shared<notify::Dispatcher>();
  if (settings.smtp) {
    dispatcher->Register(core::ChannelKind::kEmail,
                         std::make_shared<notify::SmtpChannel>(*settings.smtp, clock));
  }
  if (settings.sms) {
    dispatcher->Register(core::ChannelKind::kSms,
                         std::make_shared<notify::SmsGatewayChannel>(*settings.sms, clock));
  }
  if (!settings.webhooks.empty()) {
    dispatcher->Register(core::ChannelKind::kWebhook,
                         std::make_shared<notify::WebhookChannel>(settings.webhooks, clock));
  }
  return dispatcher;
}

}  // namespace pingan::config

#include "daemon/config/config.h"

#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <stdexcept>

#include "daemon/console/http_server.h"
#include "daemon/console/tls_context.h"

namespace pingan::config {
namespace {

namespace fs = std::filesystem;

// Walks a YAML mapping, binding known keys and reporting the first problem.
class ConfigReader {
 public:
  ConfigReader(std::string file) : file_(std::move(file)) {}

  ConfigError Error(const YAML::Node& node, const std::string& key, const std::string& msg) const {
    const int line = node.IsDefined() ? node.Mark().line + 1 : 0;
    return ConfigError{file_, line > 0 ? line : 0, key, msg};
  }

  template <typename T>
  std::optional<ConfigError> Get(const YAML::Node& node, const std::string& key, T& out) const {
    try {
      out = node.as<T>();
      return std::nullopt;
    } catch (const YAML::Exception&) {
      return Error(node, key, "wrong type");
    }
  }

  // Every key of `map` must be one of `handlers`; each handler binds its value.
  using Handler = std::function<std::optional<ConfigError>(const YAML::Node&, const std::string&)>;
  std::optional<ConfigError> Map(const YAML::Node& map, const std::string& prefix,
                                 const std::map<std::string, Handler>& handlers) const {
    if (!map.IsMap()) return Error(map, prefix, "must be a mapping of keys to values");
    for (const auto& kv : map) {
      // `? [a, b]: 1` has a list for a key.
      if (!kv.first.IsScalar()) return Error(kv.first, prefix, "keys must be plain text");
      const std::string key = kv.first.Scalar();
      const std::string path = prefix.empty() ? key : prefix + "." + key;
      auto it = handlers.find(key);
      if (it == handlers.end()) return Error(kv.first, path, "not a known setting");
      if (auto err = it->second(kv.second, path)) return err;
    }
    return std::nullopt;
  }

 private:
  std::string file_;
};

template <typename T>
ConfigReader::Handler Bind(const ConfigReader& r, T& out) {
  return [&r, &out](const YAML::Node& n, const std::string& key) { return r.Get(n, key, out); };
}

ConfigReader::Handler Positive(const ConfigReader& r, auto& out) {
  return [&r, &out](const YAML::Node& n, const std::string& key) -> std::optional<ConfigError> {
    int64_t value = 0;
    if (auto err = r.Get(n, key, value)) return err;
    if (value <= 0) return r.Error(n, key, "must be a positive number");
    out = static_cast<std::remove_reference_t<decltype(out)>>(value);
    return std::nullopt;
  };
}

ConfigReader::Handler NotNegative(const ConfigReader& r, int& out) {
  return [&r, &out](const YAML::Node& n, const std::string& key) -> std::optional<ConfigError> {
    int64_t value = 0;
    if (auto err = r.Get(n, key, value)) return err;
    if (value < 0 || value > 100'000) return r.Error(n, key, "must be 0 or a positive number");
    out = static_cast<int>(value);
    return std::nullopt;
  };
}

// TLS needs both files or neither; both are loaded here exactly as the server will,
// so that --check-config catches a missing file or a key of another certificate.
std::optional<ConfigError> CheckTls(const ConfigReader& r, const YAML::Node& node,
                                    const DaemonConfig& c) {
  const HttpSettings& h = c.http;
  if (h.tls_cert_file.empty() && h.tls_key_file.empty()) return std::nullopt;
  // For the line number; `http:` may be absent when the values came from the base.
  auto at = [&node](const char* key) { return node.IsMap() ? node[key] : node; };
  if (h.tls_key_file.empty()) {
    return r.Error(at("tls_cert"), "http.tls_key",
                   "tls_cert is set but tls_key is not: set both (HTTPS) or neither (HTTP)");
  }
  if (h.tls_cert_file.empty()) {
    return r.Error(at("tls_key"), "http.tls_cert",
                   "tls_key is set but tls_cert is not: set both (HTTPS) or neither (HTTP)");
  }
  auto loaded =
      console::LoadTlsContext(c.ConfigPath(h.tls_cert_file), c.ConfigPath(h.tls_key_file));
  if (auto* err = std::get_if<console::TlsError>(&loaded)) {
    const char* key = err->file == console::TlsFile::kCert ? "tls_cert" : "tls_key";
    return r.Error(at(key), std::string("http.") + key, err->message);
  }
  return std::nullopt;
}

std::optional<ConfigError> CheckHttp(const ConfigReader& r, const YAML::Node& root,
                                     const DaemonConfig& c) {
  const YAML::Node node = root["http"];
  if (!c.http.listen.empty() && !console::ParseListen(c.http.listen)) {
    return r.Error(node["listen"], "http.listen", "must be host:port like 127.0.0.1:8080");
  }
  std::string proxy_error;
  if (!console::TrustedProxies::Parse(c.http.trusted_proxies, &proxy_error)) {
    const YAML::Node at = node.IsMap() ? node["trusted_proxies"] : node;
    return r.Error(at, "http.trusted_proxies", proxy_error);
  }
  return CheckTls(r, node, c);
}

std::optional<ConfigError> CheckMonitoring(const ConfigReader& r, const YAML::Node& root,
                                           const DaemonConfig& c) {
  const YAML::Node node = root["monitoring"];
  std::string error;
  if (!console::TrustedProxies::Parse(c.monitoring.metrics_open_to, &error)) {
    const YAML::Node at = node.IsMap() ? node["metrics_open_to"] : node;
    return r.Error(at, "monitoring.metrics_open_to", error);
  }
  const std::string& url = c.monitoring.heartbeat_url;
  if (!url.empty() && !url.starts_with("http://") && !url.starts_with("https://")) {
    const YAML::Node at = node.IsMap() ? node["heartbeat_url"] : node;
    return r.Error(at, "monitoring.heartbeat_url", "must be an http:// or https:// URL");
  }
  return std::nullopt;
}

std::optional<ConfigError> ReadAll(const ConfigReader& r, const YAML::Node& root, DaemonConfig& c) {
  int skew_seconds = static_cast<int>(c.limits.max_future_skew.count() / 1000);
  auto limits = [&](const YAML::Node& n, const std::string& key) {
    return r.Map(n, key,
                 {{"max_summary_bytes", Positive(r, c.limits.max_summary_bytes)},
                  {"max_days_back", Positive(r, c.limits.max_days_back)},
                  {"max_days_ahead", Positive(r, c.limits.max_days_ahead)},
                  {"max_future_skew_seconds", Positive(r, skew_seconds)}});
  };
  auto curve = [&](const YAML::Node& n, const std::string& key) {
    return r.Map(n, key,
                 {{"server_key", Bind(r, c.server_key_file)},
                  {"generate_server_key", Bind(r, c.generate_server_key)},
                  {"school_keys", Bind(r, c.school_keys)}});
  };
  auto ingest = [&](const YAML::Node& n, const std::string& key) {
    return r.Map(n, key,
                 {{"backlog", Positive(r, c.backlog)},
                  {"max_connections", Positive(r, c.max_connections)},
                  {"max_pending", Positive(r, c.max_pending)},
                  {"per_school_rate", Positive(r, c.per_school_rate.per_second)},
                  {"per_school_burst", Positive(r, c.per_school_rate.burst)}});
  };
  auto store = [&](const YAML::Node& n, const std::string& key) {
    return r.Map(n, key,
                 {{"database", Bind(r, c.database)},
                  {"text_key", Bind(r, c.text_key_file)},
                  {"max_batch", Positive(r, c.max_batch)},
                  {"incident_text_retention_days", Positive(r, c.incident_text_retention_days)}});
  };
  auto org = [&](const YAML::Node& n, const std::string& key) {
    return r.Map(n, key, {{"file", Bind(r, c.org_file)}, {"csv", Bind(r, c.schools_csv)}});
  };
  auto calendars = [&](const YAML::Node& n, const std::string& key) {
    return r.Map(n, key, {{"file", Bind(r, c.calendars_file)}});
  };
  auto escalation = [&](const YAML::Node& n, const std::string& key) {
    return r.Map(n, key, {{"file", Bind(r, c.escalation_file)}});
  };
  auto http = [&](const YAML::Node& n, const std::string& key) {
    HttpSettings& h = c.http;
    return r.Map(n, key,
                 {{"listen", Bind(r, h.listen)},
                  {"tls_cert", Bind(r, h.tls_cert_file)},
                  {"tls_key", Bind(r, h.tls_key_file)},
                  {"session_idle_minutes", Positive(r, h.session_idle_minutes)},
                  {"session_absolute_hours", Positive(r, h.session_absolute_hours)},
                  {"login_free_failures", Positive(r, h.login_free_failures)},
                  {"login_lockout_seconds", Positive(r, h.login_lockout_seconds)},
                  {"login_max_lockout_minutes", Positive(r, h.login_max_lockout_minutes)},
                  {"login_address_free_failures", Positive(r, h.login_address_free_failures)},
                  {"login_user_failures_per_minute", Positive(r, h.login_user_failures_per_minute)},
                  {"login_max_tracked", Positive(r, h.login_max_tracked)},
                  {"read_workers", Positive(r, h.read_workers)},
                  {"max_connections", Positive(r, h.max_connections)},
                  {"max_connections_per_address", Positive(r, h.max_connections_per_address)},
                  {"trusted_proxies", Bind(r, h.trusted_proxies)}});
  };
  auto monitoring = [&](const YAML::Node& n, const std::string& key) {
    MonitoringSettings& m = c.monitoring;
    return r.Map(n, key,
                 {{"metrics_open_to", Bind(r, m.metrics_open_to)},
                  {"heartbeat_url", Bind(r, m.heartbeat_url)},
                  {"heartbeat_minutes", Positive(r, m.heartbeat_minutes)},
                  {"stop_timeout_seconds", Positive(r, m.stop_timeout_seconds)},
                  {"silent_intake_min_owed", Positive(r, m.silent_intake_min_owed)},
                  {"clock_step_seconds", Positive(r, m.clock_step_seconds)},
                  {"clock_settle_minutes", NotNegative(r, m.clock_settle_minutes)},
                  {"database_check_hours", Positive(r, m.database_check_hours)}});
  };
  auto err = r.Map(root, "",
                   {{"listen", Bind(r, c.listen)},
                    {"data_dir", Bind(r, c.data_dir)},
                    {"time_zone", Bind(r, c.time_zone)},
                    {"log_level", Bind(r, c.log_level)},
                    {"curve", curve},
                    {"limits", limits},
                    {"ingest", ingest},
                    {"store", store},
                    {"org", org},
                    {"calendars", calendars},
                    {"escalation", escalation},
                    {"http", http},
                    {"monitoring", monitoring}});
  if (err) return err;
  if (auto http_err = CheckHttp(r, root, c)) return http_err;
  if (auto monitoring_err = CheckMonitoring(r, root, c)) return monitoring_err;
  c.limits.max_future_skew = std::chrono::seconds{skew_seconds};
  if (c.listen.find("://") == std::string::npos) {
    return r.Error(root["listen"], "listen", "must be a ZeroMQ endpoint like tcp://0.0.0.0:7450");
  }
  // A tagged empty value (`time_zone: !x`) reads as empty text.
  if (c.time_zone.empty()) {
    return r.Error(root["time_zone"], "time_zone", "must name a time zone like Asia/Shanghai");
  }
  static const std::vector<std::string> kLevels = {"trace", "debug", "info", "warn", "error"};
  if (std::find(kLevels.begin(), kLevels.end(), c.log_level) == kLevels.end()) {
    return r.Error(root["log_level"], "log_level", "must be trace, debug, info, warn or error");
  }
  return std::nullopt;
}

}  // namespace

std::string DaemonConfig::DataPath(const std::string& path) const {
  return fs::path(path).is_absolute() ? path : (fs::path(data_dir) / path).string();
}

std::string DaemonConfig::ConfigPath(const std::string& path) const {
  return fs::path(path).is_absolute() ? path : (fs::path(config_dir) / path).string();
}

std::variant<DaemonConfig, ConfigError> ParseConfig(const std::string& yaml_text,
                                                    const std::string& source_name,
                                                    DaemonConfig base) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::ParserException& e) {
    return ConfigError{source_name, e.mark.line + 1, "", "is not valid YAML: " + e.msg};
  }
  DaemonConfig config = std::move(base);
  config.source = source_name;
  if (root.IsNull()) return config;  // an empty file means all defaults
  const ConfigReader reader(source_name);
  if (auto err = ReadAll(reader, root, config)) return *err;
  return config;
}

DaemonConfig DefaultConfig() {
  auto parsed = ParseConfig(kDefaultConfigYaml, "<embedded default>", DaemonConfig{});
  // The embedded default is tested; failing to parse it is a build defect.
  if (auto* err = std::get_if<ConfigError>(&parsed)) throw std::logic_error(err->ToString());
  DaemonConfig config = std::get<DaemonConfig>(std::move(parsed));
  config.config_dir = config.data_dir;
  return config;
}

std::variant<DaemonConfig, ConfigError> LoadConfigFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return ConfigError{path, 0, "", "cannot be read"};
  std::stringstream text;
  text << in.rdbuf();
  // Set before parsing: files named in the config (TLS) are checked while parsing.
  DaemonConfig base = DefaultConfig();
  const auto dir = fs::path(path).parent_path();
  base.config_dir = dir.empty() ? "." : dir.string();
  return ParseConfig(text.str(), path, std::move(base));
}

}  // namespace pingan::config

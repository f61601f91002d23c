#include "agents/agent_config.h"

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>

#include "daemon/core/local_time.h"
#include "daemon/core/report.h"
#include "daemon/ingest/curve_keys.h"

namespace pingan::agent {
namespace {

namespace fs = std::filesystem;

using MaybeError = std::optional<AgentConfigError>;
// Binds one key's value; gets the node and the dotted key for error messages.
using Handler = std::function<MaybeError(const YAML::Node&, const std::string&)>;

class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}

  AgentConfigError Error(const YAML::Node& node, const std::string& key,
                         const std::string& message) const {
    return AgentConfigError{file_, node.IsDefined() ? node.Mark().line + 1 : 0, key, message};
  }

  // Every key of `map` must be one of `handlers`.
  MaybeError Map(const YAML::Node& map, const std::string& prefix,
                 const std::map<std::string, Handler>& handlers) const {
    if (map.IsNull()) return std::nullopt;  // an empty file or section
    if (!map.IsMap()) return Error(map, prefix, "must be a mapping of keys to values");
    for (const auto& kv : map) {
      const std::string key = kv.first.Scalar();
      const std::string path = prefix.empty() ? key : prefix + "." + key;
      auto it = handlers.find(key);
      if (it == handlers.end()) return Error(kv.first, path, "is not a known setting");
      if (auto err = it->second(kv.second, path)) return err;
    }
    return std::nullopt;
  }

  template <typename T>
  Handler Value(T& out, const char* what) const {
    return [this, &out, what](const YAML::Node& n, const std::string& key) -> MaybeError {
      try {
        if (!n.IsScalar()) return Error(n, key, std::string("must be ") + what);
        out = n.as<T>();
        return std::nullopt;
      } catch (const YAML::Exception&) {
        return Error(n, key, std::string("must be ") + what);
      }
    };
  }

  Handler Duration(core::Millis& out, bool allow_zero) const {
    return [this, &out, allow_zero](const YAML::Node& n, const std::string& key) -> MaybeError {
      auto d = n.IsScalar() ? core::ParseDuration(n.Scalar()) : std::nullopt;
      if (!d) return Error(n, key, "must be a duration like 500ms, 10s, 5m or 1h30m");
      if (!allow_zero && d->count() == 0) return Error(n, key, "must be longer than 0");
      out = *d;
      return std::nullopt;
    };
  }

  Handler Path(std::string& out, const std::string& base_dir) const {
    return [this, &out, base_dir](const YAML::Node& n, const std::string& key) -> MaybeError {
      if (!n.IsScalar() || n.Scalar().empty()) return Error(n, key, "must be a file path");
      const fs::path p(n.Scalar());
      out = p.is_absolute() || base_dir.empty() ? p.string() : (fs::path(base_dir) / p).string();
      return std::nullopt;
    };
  }

  Handler Endpoints(std::vector<std::string>& out) const {
    return [this, &out](const YAML::Node& n, const std::string& key) -> MaybeError {
      if (!n.IsSequence() || n.size() == 0) {
        return Error(n, key, "must be a list of one or more ZeroMQ endpoints");
      }
      out.clear();
      for (const auto& item : n) {
        if (!item.IsScalar() || item.Scalar().find("://") == std::string::npos) {
          return Error(item, key, "entries must look like tcp://pingan.example.org:7450");
        }
        out.push_back(item.Scalar());
      }
      return std::nullopt;
    };
  }

 private:
  std::string file_;
};

MaybeError ReadAll(const Reader& r, const YAML::Node& root, const std::string& base_dir,
                   AgentConfig& c) {
  std::string server_key;
  int64_t max_in_flight = static_cast<int64_t>(c.max_in_flight);
  auto backoff = [&](const YAML::Node& n, const std::string& key) {
    return r.Map(n, key,
                 {{"min", r.Duration(c.backoff.min, false)},
                  {"max", r.Duration(c.backoff.max, false)},
                  {"factor", r.Value(c.backoff.factor, "a number >= 1")}});
  };
  auto err = r.Map(root, "",
                   {{"school_id", r.Value(c.school_id, "a school id")},
                    {"endpoints", r.Endpoints(c.endpoints)},
                    {"server_public_key", r.Value(server_key, "a Z85 key or a file path")},
                    {"key_file", r.Path(c.key_file, base_dir)},
                    {"spool_path", r.Path(c.spool_path, base_dir)},
                    {"time_zone", r.Value(c.time_zone, "an IANA time zone name")},
                    {"ack_timeout", r.Duration(c.ack_timeout, false)},
                    {"idle_close", r.Duration(c.idle_close, true)},
                    {"backoff", backoff},
                    {"max_in_flight", r.Value(max_in_flight, "a whole number")},
                    {"keep_acked_days", r.Value(c.keep_acked_days, "a whole number of days")},
                    {"insecure_dev", r.Value(c.insecure_dev, "true or false")}});
  if (err) return err;
  if (!server_key.empty()) {
    // A key is kept as it is; anything else is a path to a .pub file.
    c.server_public_key = wire::IsZ85Key(server_key) || fs::path(server_key).is_absolute()
                              ? server_key
                              : (fs::path(base_dir) / server_key).string();
  }
  if (!c.school_id.empty() && !core::IsValidSchoolId(c.school_id)) {
    return r.Error(root["school_id"], "school_id",
                   "must be 1-64 characters of A-Z a-z 0-9 _ . - starting with a letter or digit");
  }
  if (core::FindTimeZone(c.time_zone) == nullptr) {
    return r.Error(root["time_zone"], "time_zone", "is not a time zone the tz database knows");
  }
  if (auto problem = CheckBackoffPolicy(c.backoff); !problem.empty()) {
    return r.Error(root["backoff"], "backoff", problem);
  }
  if (max_in_flight < 1 || max_in_flight > 10000) {
    return r.Error(root["max_in_flight"], "max_in_flight", "must lie in 1..10000");
  }
  c.max_in_flight = static_cast<size_t>(max_in_flight);
  if (c.keep_acked_days < 1) {
    return r.Error(root["keep_acked_days"], "keep_acked_days", "must be at least 1");
  }
  return std::nullopt;
}

}  // namespace

std::string AgentConfigError::ToString() const {
  std::ostringstream out;
  out << file;
  if (line > 0) out << ":" << line;
  out << ": ";
  if (!key.empty()) out << "'" << key << "' ";
  out << message;
  return out.str();
}

std::variant<AgentConfig, AgentConfigError> ParseAgentConfig(const std::string& yaml_text,
                                                             const std::string& source_name,
                                                             const std::string& base_dir) {
  AgentConfig config;
  config.source = source_name;
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::ParserException& e) {
    return AgentConfigError{source_name, e.mark.line + 1, "", "is not valid YAML: " + e.msg};
  }
  if (auto err = ReadAll(Reader(source_name), root, base_dir, config)) return *err;
  return config;
}

std::variant<AgentConfig, AgentConfigError> LoadAgentConfig(const std::string& path) {
  std::ifstream in(path);
  if (!in) return AgentConfigError{path, 0, "", "cannot be read"};
  std::stringstream text;
  text << in.rdbuf();
  return ParseAgentConfig(text.str(), path, fs::path(path).parent_path().string());
}

void ApplyOverrides(AgentConfig& config, const ConfigOverrides& o) {
  if (o.spool_path) config.spool_path = *o.spool_path;
  if (o.school_id) config.school_id = *o.school_id;
  if (!o.endpoints.empty()) config.endpoints = o.endpoints;
  if (o.server_public_key) config.server_public_key = *o.server_public_key;
  if (o.key_file) config.key_file = *o.key_file;
  if (o.insecure_dev) config.insecure_dev = true;
}

std::string CheckReportingSettings(const AgentConfig& config) {
  if (config.school_id.empty()) return "no school_id configured (set it in the config or --school)";
  if (!core::IsValidSchoolId(config.school_id)) {
    return "school id '" + config.school_id + "' has characters outside A-Z a-z 0-9 _ . -";
  }
  if (core::FindTimeZone(config.time_zone) == nullptr) {
    return "time zone '" + config.time_zone + "' is unknown";
  }
  return "";
}

const date::time_zone& AgentTimeZone(const AgentConfig& config) {
  return *core::FindTimeZone(config.time_zone);
}

std::variant<SenderOptions, std::string> MakeSenderOptions(const AgentConfig& config) {
  SenderOptions o;
  o.endpoints = config.endpoints;
  o.insecure_dev = config.insecure_dev;
  o.ack_timeout = config.ack_timeout;
  o.idle_close = config.idle_close;
  o.retry = config.backoff;
  o.max_in_flight = config.max_in_flight;
  if (!config.insecure_dev) {
    if (config.server_public_key.empty()) {
      return std::string("no server_public_key configured (the daemon's key, or --server-key)");
    }
    if (wire::IsZ85Key(config.server_public_key)) {
      o.server_public_key = config.server_public_key;
    } else {
      auto key = wire::ReadPublicKeyFile(config.server_public_key);
      if (auto* e = std::get_if<wire::KeyError>(&key)) return e->message;
      o.server_public_key = std::get<std::string>(key);
    }
    if (config.key_file.empty()) {
      return std::string("no key_file configured (create one with `pingan-agent keygen`)");
    }
    auto keys = wire::ReadSecretKeyFile(config.key_file);
    if (auto* e = std::get_if<wire::KeyError>(&keys)) return e->message;
    o.client_keys = std::get<wire::CurveKeyPair>(keys);
  }
  if (auto problem = CheckSenderOptions(o); !problem.empty()) return problem;
  return o;
}

}  // namespace pingan::agent

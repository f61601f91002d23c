#include "daemon/config/loader_support.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace pingan::config {

std::variant<std::string, LoadError> ReadTextFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return LoadError{path, 0, "", "cannot open the file"};
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return LoadError{path, 0, "", "cannot read the file"};
  return text.str();
}

std::variant<YAML::Node, LoadError> ParseYaml(const std::string& text, const std::string& file) {
  try {
    return YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    return LoadError{file, e.mark.line >= 0 ? e.mark.line + 1 : 0, "", "YAML syntax: " + e.msg};
  } catch (const YAML::Exception& e) {
    return LoadError{file, 0, "", std::string("YAML: ") + e.what()};
  }
}

std::string DirectoryOf(const std::string& path) {
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  return parent.empty() ? "." : parent.string();
}

std::string ResolvePath(const std::string& base_dir, const std::string& path) {
  const std::filesystem::path p(path);
  return p.is_absolute() ? path : (std::filesystem::path(base_dir) / p).string();
}

int YamlReader::Line(const YAML::Node& n) const {
  if (!n.IsDefined()) return 0;
  const YAML::Mark m = n.Mark();
  return m.line >= 0 ? m.line + 1 : 0;
}

std::string YamlReader::Source(const YAML::Node& n) const {
  const int line = Line(n);
  return line > 0 ? file_ + ":" + std::to_string(line) : file_;
}

LoadError YamlReader::Error(const YAML::Node& at, const std::string& key,
                            std::string message) const {
  return LoadError{file_, Line(at), key, std::move(message)};
}

std::optional<LoadError> YamlReader::Keys(const YAML::Node& node, const std::string& path,
                                          std::initializer_list<std::string_view> allowed) const {
  if (!node.IsMap()) return Error(node, path, "must be a mapping of keys to values");
  for (const auto& kv : node) {
    const std::string key = kv.first.Scalar();
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      std::string known;
      for (std::string_view a : allowed) known += (known.empty() ? "" : ", ") + std::string(a);
      return Error(kv.first, KeyPath(path, key), "unknown key (known: " + known + ")");
    }
  }
  return std::nullopt;
}

std::optional<LoadError> YamlReader::KeyName(const YAML::Node& key, const std::string& path,
                                             std::string& out) const {
  if (!key.IsScalar()) return Error(key, path, "keys must be plain text");
  out = key.Scalar();
  return std::nullopt;
}

std::optional<LoadError> YamlReader::Sequence(const YAML::Node& node,
                                              const std::string& path) const {
  if (!node.IsDefined() || node.IsNull() || node.IsSequence()) return std::nullopt;
  return Error(node, path, "must be a list");
}

std::optional<std::string> YamlReader::Scalar(const YAML::Node& map, const std::string& path,
                                              const char* key,
                                              std::optional<LoadError>& error) const {
  const YAML::Node n = map[key];
  if (!n.IsDefined() || n.IsNull()) return std::nullopt;
  if (!n.IsScalar()) {
    error = Error(n, KeyPath(path, key), "must be a single value");
    return std::nullopt;
  }
  return n.Scalar();
}

std::optional<LoadError> YamlReader::Text(const YAML::Node& map, const std::string& path,
                                          const char* key, std::string& out, bool required) const {
  std::optional<LoadError> error;
  auto value = Scalar(map, path, key, error);
  if (error) return error;
  if (!value || value->empty()) {
    if (required) return Error(map, KeyPath(path, key), "is required");
    return std::nullopt;
  }
  out = *value;
  return std::nullopt;
}

std::optional<LoadError> YamlReader::Flag(const YAML::Node& map, const std::string& path,
                                          const char* key, bool& out) const {
  std::optional<LoadError> error;
  auto value = Scalar(map, path, key, error);
  if (error || !value) return error;
  if (*value == "true" || *value == "yes") {
    out = true;
  } else if (*value == "false" || *value == "no") {
    out = false;
  } else {
    return Error(map[key], KeyPath(path, key), "must be true or false");
  }
  return std::nullopt;
}

std::optional<LoadError> YamlReader::Number(const YAML::Node& map, const std::string& path,
                                            const char* key, unsigned& out, bool required) const {
  std::optional<LoadError> error;
  auto value = Scalar(map, path, key, error);
  if (error) return error;
  if (!value)
    return required ? std::optional(Error(map, KeyPath(path, key), "is required")) : std::nullopt;
  if (value->empty() || value->size() > 9 ||
      value->find_first_not_of("0123456789") != std::string::npos) {
    return Error(map[key], KeyPath(path, key), "must be a whole number");
  }
  out = static_cast<unsigned>(std::stoul(*value));
  return std::nullopt;
}

std::optional<LoadError> YamlReader::Day(const YAML::Node& map, const std::string& path,
                                         const char* key, std::optional<date::year_month_day>& out,
                                         bool required) const {
  std::optional<LoadError> error;
  auto value = Scalar(map, path, key, error);
  if (error) return error;
  if (!value)
    return required ? std::optional(Error(map, KeyPath(path, key), "is required")) : std::nullopt;
  out = core::ParseDate(*value);
  if (!out) return Error(map[key], KeyPath(path, key), "must be a date YYYY-MM-DD");
  return std::nullopt;
}

std::optional<LoadError> YamlReader::Time(const YAML::Node& map, const std::string& path,
                                          const char* key, core::TimeOfDay& out,
                                          bool required) const {
  std::optional<LoadError> error;
  auto value = Scalar(map, path, key, error);
  if (error) return error;
  if (!value)
    return required ? std::optional(Error(map, KeyPath(path, key), "is required")) : std::nullopt;
  auto t = core::ParseTimeOfDay(*value);
  if (!t) return Error(map[key], KeyPath(path, key), "must be a local time HH:MM (00:00..23:59)");
  out = *t;
  return std::nullopt;
}

std::optional<LoadError> YamlReader::Duration(const YAML::Node& map, const std::string& path,
                                              const char* key, core::Millis& out) const {
  std::optional<LoadError> error;
  auto value = Scalar(map, path, key, error);
  if (error || !value) return error;
  auto d = core::ParseDuration(*value);
  if (!d) return Error(map[key], KeyPath(path, key), "must be a duration like 30m, 1h30m, 2d");
  out = *d;
  return std::nullopt;
}

std::optional<LoadError> YamlReader::Zone(const YAML::Node& map, const std::string& path,
                                          const char* key, std::string& out) const {
  std::string zone;
  if (auto e = Text(map, path, key, zone)) return e;
  if (zone.empty()) return std::nullopt;
  if (core::FindTimeZone(zone) == nullptr) {
    return Error(map[key], KeyPath(path, key), "unknown time zone '" + zone + "'");
  }
  out = zone;
  return std::nullopt;
}

std::optional<LoadError> YamlReader::TextList(const YAML::Node& map, const std::string& path,
                                              const char* key,
                                              std::vector<std::string>& out) const {
  const YAML::Node n = map[key];
  if (!n.IsDefined() || n.IsNull()) return std::nullopt;
  out.clear();
  if (n.IsScalar()) {
    out.push_back(n.Scalar());
    return std::nullopt;
  }
  if (!n.IsSequence()) return Error(n, KeyPath(path, key), "must be a value or a list of values");
  for (size_t i = 0; i < n.size(); ++i) {
    if (!n[i].IsScalar()) return Error(n[i], IndexPath(KeyPath(path, key), i), "must be a value");
    out.push_back(n[i].Scalar());
  }
  return std::nullopt;
}

}  // namespace pingan::config

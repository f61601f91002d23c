// Helpers shared by the organisation and calendar loaders: reading files, parsing YAML,
// and typed reads of mapping keys whose errors name file, line and key path.
// A YamlReader is a small value bound to one file; use it from one thread.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <date/date.h>
#include <yaml-cpp/yaml.h>

#include "daemon/config/load_error.h"
#include "daemon/core/clock.h"
#include "daemon/core/local_time.h"

namespace pingan::config {

// The whole file as text, or an error naming it.
std::variant<std::string, LoadError> ReadTextFile(const std::string& path);
// Parses YAML text; syntax errors name the line.
std::variant<YAML::Node, LoadError> ParseYaml(const std::string& text, const std::string& file);
// The directory part of `path` ("." when none); `path` resolved against `base_dir`
// unless absolute.
std::string DirectoryOf(const std::string& path);
std::string ResolvePath(const std::string& base_dir, const std::string& path);

class YamlReader {
 public:
  explicit YamlReader(std::string file) : file_(std::move(file)) {}

  const std::string& file() const { return file_; }
  int Line(const YAML::Node& n) const;            // 1-based; 0 when unknown
  std::string Source(const YAML::Node& n) const;  // "file:line", for core's `source`
  LoadError Error(const YAML::Node& at, const std::string& key, std::string message) const;

  // `node` must be a mapping whose keys are all in `allowed` (a typo is an error, not a
  // silently ignored setting).
  std::optional<LoadError> Keys(const YAML::Node& node, const std::string& path,
                                std::initializer_list<std::string_view> allowed) const;
  // The text of a mapping key (`? [a, b]: 1` has a list for a key, which is an error).
  std::optional<LoadError> KeyName(const YAML::Node& key, const std::string& path,
                                   std::string& out) const;
  // `node` must be a sequence (a missing node counts as an empty one).
  std::optional<LoadError> Sequence(const YAML::Node& node, const std::string& path) const;

  // Each reads map[key] when present and non-null, else leaves `out` as it is (or fails
  // when `required`). `path` is the map's key path; errors name path + "." + key.
  std::optional<LoadError> Text(const YAML::Node& map, const std::string& path, const char* key,
                                std::string& out, bool required = false) const;
  std::optional<LoadError> Flag(const YAML::Node& map, const std::string& path, const char* key,
                                bool& out) const;
  std::optional<LoadError> Number(const YAML::Node& map, const std::string& path, const char* key,
                                  unsigned& out, bool required = false) const;
  std::optional<LoadError> Day(const YAML::Node& map, const std::string& path, const char* key,
                               std::optional<date::year_month_day>& out,
                               bool required = false) const;
  std::optional<LoadError> Time(const YAML::Node& map, const std::string& path, const char* key,
                                core::TimeOfDay& out, bool required = false) const;
  std::optional<LoadError> Duration(const YAML::Node& map, const std::string& path, const char* key,
                                    core::Millis& out) const;
  // An IANA zone name the tzdb knows.
  std::optional<LoadError> Zone(const YAML::Node& map, const std::string& path, const char* key,
                                std::string& out) const;
  // A single text value or a sequence of them.
  std::optional<LoadError> TextList(const YAML::Node& map, const std::string& path, const char* key,
                                    std::vector<std::string>& out) const;

 private:
  // map[key] as a scalar text, nullopt when absent or null; sets `error` when the value
  // is not a scalar.
  std::optional<std::string> Scalar(const YAML::Node& map, const std::string& path, const char* key,
                                    std::optional<LoadError>& error) const;

  std::string file_;
};

inline std::string KeyPath(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}
inline std::string IndexPath(const std::string& path, size_t i) {
  return path + "[" + std::to_string(i) + "]";
}

}  // namespace pingan::config

// Checks a webhook body against docs/webhook.schema.json: the subset of JSON Schema the
// document uses (type, possibly a list; required; properties; items; enum; minimum),
// plus that every property the body has is documented. Enough to keep the document and
// the code from drifting apart; test-only, any thread.
#pragma once

#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/fakes/source_root.h"

namespace pingan::testing {

inline nlohmann::json WebhookSchema() {
  std::ifstream in(SourceRoot() / "docs" / "webhook.schema.json");
  return nlohmann::json::parse(in);
}

inline bool HasSchemaType(const nlohmann::json& v, const std::string& type) {
  if (type == "string") return v.is_string();
  if (type == "integer") return v.is_number_integer();
  if (type == "number") return v.is_number();
  if (type == "boolean") return v.is_boolean();
  if (type == "array") return v.is_array();
  if (type == "object") return v.is_object();
  if (type == "null") return v.is_null();
  return false;
}

// Problems found, each naming its path ("$.incident.dead: ..."); empty when it fits.
inline std::vector<std::string> SchemaProblems(const nlohmann::json& schema,
                                               const nlohmann::json& v,
                                               const std::string& path = "$") {
  std::vector<std::string> out;
  if (auto t = schema.find("type"); t != schema.end()) {
    const auto types = t->is_array() ? *t : nlohmann::json::array({*t});
    bool ok = false;
    for (const auto& type : types) ok = ok || HasSchemaType(v, type.get<std::string>());
    if (!ok) return {path + ": is " + v.type_name() + ", the schema says " + t->dump()};
  }
  if (auto e = schema.find("enum"); e != schema.end()) {
    if (std::find(e->begin(), e->end(), v) == e->end()) out.push_back(path + ": not in enum");
  }
  if (auto m = schema.find("minimum"); m != schema.end() && v.is_number() && v < *m) {
    out.push_back(path + ": below minimum");
  }
  if (v.is_object()) {
    const nlohmann::json props = schema.value("properties", nlohmann::json::object());
    for (const auto& r : schema.value("required", nlohmann::json::array())) {
      if (!v.contains(r.get<std::string>()))
        out.push_back(path + "." + r.get<std::string>() + ": missing");
    }
    for (const auto& [key, value] : v.items()) {
      if (!props.contains(key)) {
        out.push_back(path + "." + key + ": not documented in the schema");
        continue;
      }
      for (auto& p : SchemaProblems(props[key], value, path + "." + key)) out.push_back(p);
    }
  }
  if (v.is_array() && schema.contains("items")) {
    for (size_t i = 0; i < v.size(); ++i) {
      for (auto& p : SchemaProblems(schema["items"], v[i], path + "[" + std::to_string(i) + "]")) {
        out.push_back(p);
      }
    }
  }
  return out;
}

}  // namespace pingan::testing

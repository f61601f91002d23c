// The `policies:` list of the escalation file (declared in escalation_yaml.h): each
// policy's conditions (requirements, kinds, severities, periods), steps and targets,
// and the channel plan of a step or reminder (`fallback:` / `all_at_once:`, with the
// deprecated `channels:`).
#include <algorithm>

#include "daemon/config/channel_plan_yaml.h"
#include "daemon/config/escalation_yaml.h"
#include "daemon/config/org_loader.h"
#include "daemon/core/calendar.h"

namespace pingan::config {
namespace {

using escalation_yaml::Reader;

// "school", "parent", a unit kind (nearest such ancestor) or "unit:<id>".
std::optional<core::UnitRef> ParseUnitRef(const std::string& text) {
  if (text.empty() || text == "school") return core::UnitRef::School();
  if (text == "parent") return core::UnitRef::Parent();
  if (text.starts_with("unit:") && text.size() > 5) return core::UnitRef::Fixed(text.substr(5));
  if (auto kind = ParseUnitKindText(text)) return core::UnitRef::Ancestor(*kind);
  return std::nullopt;
}

std::optional<LoadError> ReadUnitRef(const Reader& r, const YAML::Node& n, const std::string& path,
                                     const char* key, core::UnitRef& out) {
  std::string text = "school";
  if (auto e = r.Text(n, path, key, text)) return e;
  auto ref = ParseUnitRef(text);
  if (!ref) {
    return r.Error(n[key], KeyPath(path, key),
                   "must be school, parent, a unit kind (township, district, city, province) or "
                   "unit:<id>");
  }
  out = *ref;
  return std::nullopt;
}

std::optional<LoadError> ReadRole(const Reader& r, const YAML::Node& n, const std::string& path,
                                  const char* key, core::ContactRole& out) {
  std::string text;
  if (auto e = r.Text(n, path, key, text, true)) return e;
  auto role = core::ParseContactRole(text);
  if (!role) {
    return r.Error(n[key], KeyPath(path, key),
                   "must be primary_accountable, supervising_leader or duty_contact");
  }
  out = *role;
  return std::nullopt;
}

// One entry of a step's `notify:` list: exactly one of contact, on_duty, person, group.
std::optional<LoadError> ReadTarget(const Reader& r, const YAML::Node& n, const std::string& path,
                                    core::Target& t) {
  if (auto e = r.Keys(n, path, {"contact", "unit", "on_duty", "person", "group"})) return e;
  const int kinds = n["contact"].IsDefined() + n["on_duty"].IsDefined() + n["person"].IsDefined() +
                    n["group"].IsDefined();
  if (kinds != 1) return r.Error(n, path, "needs exactly one of contact, on_duty, person, group");
  if (n["unit"].IsDefined() && !n["contact"].IsDefined()) {
    return r.Error(n["unit"], KeyPath(path, "unit"), "goes with contact only");
  }
  if (n["contact"].IsDefined()) {
    t.kind = core::Target::Kind::kContact;
    if (auto e = ReadRole(r, n, path, "contact", t.role)) return e;
    return ReadUnitRef(r, n, path, "unit", t.unit);
  }
  if (n["on_duty"].IsDefined()) {
    t.kind = core::Target::Kind::kOnDuty;
    return ReadUnitRef(r, n, path, "on_duty", t.unit);
  }
  if (n["person"].IsDefined()) {
    t.kind = core::Target::Kind::kPerson;
    return r.Person(n["person"], KeyPath(path, "person"), t.person);
  }
  t.kind = core::Target::Kind::kGroup;
  return r.Text(n, path, "group", t.group, true);
}

std::optional<LoadError> ReadStep(const Reader& r, const YAML::Node& n, const std::string& path,
                                  core::Step& step, std::vector<std::string>& warnings) {
  if (auto e = r.Keys(n, path, {"wait", "notify", "channels", "fallback", "all_at_once"})) return e;
  if (auto e = r.Duration(n, path, "wait", step.wait)) return e;
  if (auto e = ReadChannelPlan(r, n, path, step.channels, step.all_at_once, warnings)) {
    return e;
  }
  const YAML::Node targets = n["notify"];
  const std::string tpath = KeyPath(path, "notify");
  if (!targets.IsDefined() || !targets.IsSequence() || targets.size() == 0) {
    return r.Error(targets.IsDefined() ? targets : n, tpath, "needs a list of whom to notify");
  }
  for (size_t i = 0; i < targets.size(); ++i) {
    core::Target t;
    if (auto e = ReadTarget(r, targets[i], IndexPath(tpath, i), t)) return e;
    step.targets.push_back(std::move(t));
  }
  return std::nullopt;
}

std::optional<LoadError> ReadConditions(const Reader& r, const YAML::Node& n,
                                        const std::string& path, core::Policy& p) {
  if (auto e = r.TextList(n, path, "requirements", p.requirements)) return e;
  if (n["requirements"].IsDefined() && p.requirements.empty()) {
    return r.Error(n["requirements"], KeyPath(path, "requirements"),
                   "is empty: name requirement ids, or omit the key for any requirement");
  }
  std::vector<std::string> names;
  if (auto e = r.TextList(n, path, "kinds", names)) return e;
  for (const std::string& k : names) {
    auto kind = core::ParseAlertKind(k);
    if (!kind)
      return r.Error(n["kinds"], KeyPath(path, "kinds"), "'" + k + "' is not an alert kind");
    p.kinds.push_back(*kind);
  }
  names.clear();
  if (auto e = r.TextList(n, path, "severities", names)) return e;
  for (const std::string& s : names) {
    auto grade = core::ParseSeverity(s);
    if (!grade) return r.Error(n["severities"], KeyPath(path, "severities"), "must be I..IV");
    p.severities.push_back(*grade);
  }
  // Period kinds or tags; tags are checked against the calendars (CheckPolicyPeriods).
  if (auto e = r.TextList(n, path, "periods", p.period_kinds)) return e;
  for (const std::string& k : p.period_kinds) {
    if (k.empty()) return r.Error(n["periods"], KeyPath(path, "periods"), "names an empty period");
  }
  return std::nullopt;
}

std::optional<LoadError> ReadPolicy(const Reader& r, const YAML::Node& n, const std::string& path,
                                    core::Policy& p, std::vector<std::string>& warnings) {
  if (auto e = r.Keys(n, path,
                      {"id", "requirements", "kinds", "severities", "periods", "steps", "repeat",
                       "repeat_interval", "ack_timeout"})) {
    return e;
  }
  p.source = r.Source(n);
  if (auto e = r.Text(n, path, "id", p.id, true)) return e;
  if (auto e = ReadConditions(r, n, path, p)) return e;
  if (auto e = r.Int(n, path, "repeat", p.repeat, 0, 100)) return e;
  if (auto e = r.Duration(n, path, "repeat_interval", p.repeat_interval)) return e;
  if (auto e = r.Duration(n, path, "ack_timeout", p.ack_timeout)) return e;
  const YAML::Node steps = n["steps"];
  const std::string spath = KeyPath(path, "steps");
  if (!steps.IsDefined() || !steps.IsSequence() || steps.size() == 0) {
    return r.Error(steps.IsDefined() ? steps : n, spath, "needs at least one step");
  }
  for (size_t i = 0; i < steps.size(); ++i) {
    core::Step step;
    if (auto e = ReadStep(r, steps[i], IndexPath(spath, i), step, warnings)) return e;
    p.steps.push_back(std::move(step));
  }
  return std::nullopt;
}

}  // namespace

std::optional<LoadError> ReadChannelPlan(const YamlReader& r, const YAML::Node& n,
                                         const std::string& path,
                                         std::vector<core::ChannelKind>& channels,
                                         bool& all_at_once, std::vector<std::string>& warnings) {
  const char* const keys[] = {"fallback", "all_at_once", "channels"};
  const char* given = nullptr;
  for (const char* key : keys) {
    if (!n[key].IsDefined()) continue;
    if (given != nullptr) {
      return r.Error(n[key], KeyPath(path, key),
                     std::string("goes with ") + given +
                         ": write the channels once, as fallback (one after another) or "
                         "all_at_once (every channel at the same time)");
    }
    given = key;
  }
  if (given == nullptr) return std::nullopt;  // the caller's default
  all_at_once = std::string_view(given) == "all_at_once";
  if (std::string_view(given) == "channels") {
    warnings.push_back(
        r.Error(n[given], KeyPath(path, given),
                "deprecated: `channels:` is a fallback order (one channel after another, "
                "never all at once); write `fallback:` for that, or `all_at_once:` to use "
                "every channel at the same time")
            .ToString());
  }
  std::vector<std::string> names;
  if (auto e = r.TextList(n, path, given, names)) return e;
  if (names.empty()) return r.Error(n[given], KeyPath(path, given), "needs at least one channel");
  channels.clear();
  for (const std::string& name : names) {
    auto kind = core::ParseChannelKind(name);
    if (!kind) {
      return r.Error(n[given], KeyPath(path, given), "'" + name + "' is not sms, email or webhook");
    }
    if (std::find(channels.begin(), channels.end(), *kind) != channels.end()) {
      if (std::string_view(given) == "channels") continue;  // as before: tolerated
      return r.Error(n[given], KeyPath(path, given), "names '" + name + "' twice");
    }
    channels.push_back(*kind);
  }
  return std::nullopt;
}

namespace escalation_yaml {

std::optional<LoadError> ReadPolicies(const Reader& r, const YAML::Node& n, const std::string& path,
                                      EscalationSettings& s) {
  if (auto e = r.Sequence(n, path)) return e;
  for (size_t i = 0; n.IsDefined() && i < n.size(); ++i) {
    core::Policy p;
    if (auto e = ReadPolicy(r, n[i], IndexPath(path, i), p, s.warnings)) return e;
    if (!p.period_kinds.empty()) s.period_lines[p.id] = r.Line(n[i]["periods"]);
    s.policies.policies.push_back(std::move(p));
  }
  return std::nullopt;
}

}  // namespace escalation_yaml
}  // namespace pingan::config

#include "daemon/config/escalation_config.h"

#include <algorithm>
#include <cstdlib>

#include "daemon/config/channel_plan_yaml.h"
#include "daemon/config/escalation_yaml.h"
#include "daemon/config/org_loader.h"
#include "daemon/config/policy_periods.h"

namespace pingan::config {
namespace {

using escalation_yaml::Reader;

// The leaders' fast path; its channels are read as a step's (ReadChannelPlan).
std::optional<LoadError> ReadLeaders(const Reader& r, const YAML::Node& n, const std::string& path,
                                     core::LeaderRule& l, std::vector<std::string>& warnings) {
  if (auto e = r.Keys(n, path,
                      {"enabled", "max_severity", "lowest_unit", "roles", "fallback", "all_at_once",
                       "channels"})) {
    return e;
  }
  if (auto e = r.Flag(n, path, "enabled", l.enabled)) return e;
  std::string grade(core::SeverityName(l.max_severity));
  if (auto e = r.Text(n, path, "max_severity", grade)) return e;
  auto parsed = core::ParseSeverity(grade);
  if (!parsed) return r.Error(n["max_severity"], KeyPath(path, "max_severity"), "must be I..IV");
  l.max_severity = *parsed;
  std::string unit(core::UnitKindName(l.lowest_unit_kind));
  if (auto e = r.Text(n, path, "lowest_unit", unit)) return e;
  auto kind = ParseUnitKindText(unit);
  if (!kind) return r.Error(n["lowest_unit"], KeyPath(path, "lowest_unit"), "unknown unit kind");
  l.lowest_unit_kind = *kind;
  std::vector<std::string> roles;
  if (auto e = r.TextList(n, path, "roles", roles)) return e;
  if (n["roles"].IsDefined()) l.roles.clear();
  for (const std::string& name : roles) {
    auto role = core::ParseContactRole(name);
    if (!role) return r.Error(n["roles"], KeyPath(path, "roles"), "unknown role '" + name + "'");
    l.roles.push_back(*role);
  }
  return ReadChannelPlan(r, n, path, l.channels, l.all_at_once, warnings);
}

std::optional<LoadError> ReadGroups(const Reader& r, const YAML::Node& n, const std::string& path,
                                    core::EscalationConfig& c) {
  if (!n.IsDefined() || n.IsNull()) return std::nullopt;
  if (!n.IsMap()) return r.Error(n, path, "must map group names to lists of people");
  for (const auto& kv : n) {
    std::string name;
    if (auto e = r.KeyName(kv.first, path, name)) return e;
    const std::string gpath = KeyPath(path, name);
    if (auto e = r.Sequence(kv.second, gpath)) return e;
    std::vector<core::Recipient>& people = c.groups[name];
    for (size_t i = 0; i < kv.second.size(); ++i) {
      core::Recipient person;
      if (auto e = r.Person(kv.second[i], IndexPath(gpath, i), person)) return e;
      people.push_back(std::move(person));
    }
  }
  return std::nullopt;
}

std::optional<LoadError> ReadTemplates(const Reader& r, const YAML::Node& n,
                                       const std::string& path, core::TemplateOptions& t) {
  if (auto e = r.Keys(
          n, path,
          {"locale", "console_base_url", "sms_signature", "sms_max_names", "email_max_names"})) {
    return e;
  }
  std::string locale = "zh-CN";
  if (auto e = r.Text(n, path, "locale", locale)) return e;
  auto parsed = core::ParseLocale(locale);
  if (!parsed) return r.Error(n["locale"], KeyPath(path, "locale"), "must be zh-CN or en");
  t.locale = *parsed;
  if (auto e = r.Text(n, path, "console_base_url", t.console_base_url)) return e;
  if (auto e = r.Text(n, path, "sms_signature", t.sms_signature)) return e;
  int sms = static_cast<int>(t.sms_max_names), email = static_cast<int>(t.email_max_names);
  if (auto e = r.Int(n, path, "sms_max_names", sms, 1, 100)) return e;
  if (auto e = r.Int(n, path, "email_max_names", email, 1, 10000)) return e;
  t.sms_max_names = static_cast<size_t>(sms);
  t.email_max_names = static_cast<size_t>(email);
  return std::nullopt;
}

std::optional<LoadError> ReadDelivery(const Reader& r, const YAML::Node& n, const std::string& path,
                                      DeliverySettings& d) {
  if (auto e = r.Keys(n, path, {"workers", "lease", "poll", "retry", "rate_limit"})) return e;
  if (auto e = r.Int(n, path, "workers", d.workers, 1, 64)) return e;
  if (auto e = r.Duration(n, path, "lease", d.lease)) return e;
  if (auto e = r.Duration(n, path, "poll", d.poll)) return e;
  if (d.lease < std::chrono::seconds{10}) {
    return r.Error(n["lease"], KeyPath(path, "lease"), "must be at least 10s");
  }
  if (const YAML::Node retry = n["retry"]; retry.IsDefined()) {
    const std::string p = KeyPath(path, "retry");
    core::RetryPolicy& rp = d.retry;
    if (auto e = r.Keys(retry, p,
                        {"initial_backoff", "multiplier", "max_backoff", "jitter",
                         "max_attempts_per_channel", "max_retry_after", "give_up_after"})) {
      return e;
    }
    if (auto e = r.Duration(retry, p, "initial_backoff", rp.initial_backoff)) return e;
    if (auto e = r.Real(retry, p, "multiplier", rp.multiplier, 1.0, 10.0)) return e;
    if (auto e = r.Duration(retry, p, "max_backoff", rp.max_backoff)) return e;
    if (auto e = r.Real(retry, p, "jitter", rp.jitter, 0.0, 1.0)) return e;
    if (auto e =
            r.Int(retry, p, "max_attempts_per_channel", rp.max_attempts_per_channel, 1, 1000)) {
      return e;
    }
    if (auto e = r.Duration(retry, p, "max_retry_after", rp.max_retry_after)) return e;
    if (auto e = r.Duration(retry, p, "give_up_after", rp.give_up_after)) return e;
  }
  if (const YAML::Node rate = n["rate_limit"]; rate.IsDefined()) {
    const std::string p = KeyPath(path, "rate_limit");
    if (auto e = r.Keys(rate, p, {"burst", "refill_every"})) return e;
    if (auto e = r.Real(rate, p, "burst", d.rate_limit.burst, 1, 1e6)) return e;
    if (auto e = r.Duration(rate, p, "refill_every", d.rate_limit.refill_every)) return e;
  }
  return std::nullopt;
}

// One entry of a `roster:` list: a path, or {file, unit} (unit for .ics files only).
std::optional<LoadError> ReadRosterSource(const Reader& r, const YAML::Node& n,
                                          const std::string& path, const std::string& base_dir,
                                          RosterSource& out) {
  if (n.IsScalar()) {
    out.file = n.as<std::string>();
  } else {
    if (auto e = r.Keys(n, path, {"file", "unit"})) return e;
    if (auto e = r.Text(n, path, "file", out.file, true)) return e;
    if (auto e = r.Text(n, path, "unit", out.unit_id)) return e;
  }
  if (out.file.empty()) return r.Error(n, path, "needs a file");
  if (!out.unit_id.empty() && !IsIcsRosterPath(out.file)) {
    return r.Error(n["unit"], KeyPath(path, "unit"),
                   "goes with .ics rosters only (a CSV names its units in a column)");
  }
  out.file = ResolvePath(base_dir, out.file);
  return std::nullopt;
}

// `roster:` is a path (CSV or .ics), a {file, unit} mapping, or a list of either.
std::optional<LoadError> ReadRosters(const Reader& r, const YAML::Node& root,
                                     const std::string& base_dir, EscalationSettings& s) {
  const YAML::Node n = root["roster"];
  if (!n.IsDefined() || n.IsNull()) return std::nullopt;
  if (n.IsScalar()) {
    if (auto e = r.Text(root, "", "roster", s.roster_file)) return e;
    if (!s.roster_file.empty()) s.roster_file = ResolvePath(base_dir, s.roster_file);
    return std::nullopt;
  }
  if (n.IsMap()) {
    RosterSource source;
    if (auto e = ReadRosterSource(r, n, "roster", base_dir, source)) return e;
    s.roster_sources.push_back(std::move(source));
    return std::nullopt;
  }
  for (size_t i = 0; i < n.size(); ++i) {
    RosterSource source;
    if (auto e = ReadRosterSource(r, n[i], IndexPath("roster", i), base_dir, source)) return e;
    s.roster_sources.push_back(std::move(source));
  }
  return std::nullopt;
}

std::optional<LoadError> ReadAll(const Reader& r, const YAML::Node& root,
                                 const std::string& base_dir, EscalationSettings& s) {
  if (auto e = r.Keys(root, "",
                      {"policies", "groups", "leaders", "roster", "channels", "templates",
                       "grouping", "delivery", "runner"})) {
    return e;
  }
  if (auto e = escalation_yaml::ReadPolicies(r, root["policies"], "policies", s)) return e;
  if (auto e = ReadGroups(r, root["groups"], "groups", s.policies)) return e;
  if (root["leaders"].IsDefined()) {
    if (auto e = ReadLeaders(r, root["leaders"], "leaders", s.policies.leaders, s.warnings)) {
      return e;
    }
  }
  if (auto e = ReadRosters(r, root, base_dir, s)) return e;
  if (root["channels"].IsDefined()) {
    if (auto e = escalation_yaml::ReadChannels(r, root["channels"], "channels", s)) return e;
  }
  if (root["templates"].IsDefined()) {
    if (auto e = ReadTemplates(r, root["templates"], "templates", s.templates)) return e;
  }
  if (const YAML::Node g = root["grouping"]; g.IsDefined()) {
    if (auto e = r.Keys(g, "grouping", {"window", "max_alerts_per_message"})) return e;
    if (auto e = r.Duration(g, "grouping", "window", s.grouping.window)) return e;
    int max = static_cast<int>(s.grouping.max_alerts_per_message);
    if (auto e = r.Int(g, "grouping", "max_alerts_per_message", max, 1, 100000)) return e;
    s.grouping.max_alerts_per_message = static_cast<size_t>(max);
  }
  if (root["delivery"].IsDefined()) {
    if (auto e = ReadDelivery(r, root["delivery"], "delivery", s.delivery)) return e;
  }
  if (const YAML::Node run = root["runner"]; run.IsDefined()) {
    if (auto e = r.Keys(run, "runner", {"tick", "batch"})) return e;
    if (auto e = r.Duration(run, "runner", "tick", s.tick)) return e;
    if (auto e = r.Int(run, "runner", "batch", s.batch, 1, 100000)) return e;
  }
  return std::nullopt;
}

// A problem of policy `id` at the line the policy starts on ("escalation.yaml:40").
LoadError PolicyError(const EscalationSettings& s, const std::string& id, std::string message) {
  LoadError e{s.source, 0, "policies",
              (id.empty() ? "" : "policy '" + id + "': ") + std::move(message)};
  if (const core::Policy* p = core::FindPolicy(s.policies, id); p != nullptr) {
    const size_t colon = p->source.rfind(':');
    if (colon != std::string::npos) e.line = std::atoi(p->source.c_str() + colon + 1);
  }
  return e;
}

// Every requirement a policy names must exist in the calendars file: a typo would
// otherwise silently leave that requirement to the generic policies.
std::optional<LoadError> CheckRequirementIds(const EscalationSettings& s,
                                             const std::vector<core::Requirement>& requirements) {
  for (const core::Policy& p : s.policies.policies) {
    for (const std::string& id : p.requirements) {
      const bool known = std::any_of(requirements.begin(), requirements.end(),
                                     [&](const core::Requirement& q) { return q.id == id; });
      if (!known) {
        return PolicyError(s, p.id,
                           "requirements: '" + id + "' is not a requirement of the calendars file");
      }
    }
  }
  return std::nullopt;
}

}  // namespace

std::variant<EscalationSettings, LoadError> ParseEscalationYaml(const std::string& text,
                                                                const std::string& file,
                                                                const std::string& base_dir) {
  auto parsed = ParseYaml(text, file);
  if (auto* err = std::get_if<LoadError>(&parsed)) return *err;
  const YAML::Node root = std::get<YAML::Node>(parsed);
  EscalationSettings settings;
  settings.source = file;
  // Ten attempts per channel cover an hour-long outage of a mail server with the
  // default backoff before the next channel is tried (core's default is six).
  settings.delivery.retry.max_attempts_per_channel = 10;
  if (root.IsNull()) return settings;
  const Reader reader(file);
  if (auto e = ReadAll(reader, root, base_dir, settings)) return *e;
  return settings;
}

std::variant<EscalationSettings, LoadError> LoadEscalationFile(const std::string& path) {
  auto text = ReadTextFile(path);
  if (auto* err = std::get_if<LoadError>(&text)) return *err;
  return ParseEscalationYaml(std::get<std::string>(text), path, DirectoryOf(path));
}

std::variant<SharedEscalation, LoadError> PrepareEscalation(
    EscalationSettings settings, const core::OrgTree& tree, const std::string& default_zone,
    const std::vector<core::Requirement>* requirements) {
  if (auto problem = core::ValidateEscalationConfig(settings.policies, tree)) {
    return PolicyError(settings, problem->key, problem->message);
  }
  if (requirements != nullptr) {
    if (auto e = CheckRequirementIds(settings, *requirements)) return *e;
  }
  auto setup = std::make_shared<EscalationSetup>();
  std::vector<RosterSource> sources = settings.roster_sources;
  if (!settings.roster_file.empty()) sources.insert(sources.begin(), {settings.roster_file, ""});
  for (const RosterSource& source : sources) {
    auto rosters = ImportRosterFile(source, tree, default_zone);
    if (auto* err = std::get_if<LoadError>(&rosters)) return *err;
    if (auto problem = MergeRosters(setup->rosters, std::get<core::Rosters>(std::move(rosters)))) {
      return LoadError{source.file, 0, "", "merging with the other roster files: " + *problem};
    }
  }
  setup->warnings = settings.warnings;
  for (std::string& w : escalation_yaml::ChannelWarnings(settings, requirements)) {
    setup->warnings.push_back(std::move(w));
  }
  setup->settings = std::move(settings);
  return SharedEscalation(std::move(setup));
}

std::variant<SharedEscalation, LoadError> LoadEscalationFor(
    const DaemonConfig& config, const core::OrgTree* tree,
    const std::vector<core::Calendar>* calendars,
    const std::vector<core::Requirement>* requirements) {
  if (config.escalation_file.empty()) return SharedEscalation{};
  auto loaded = LoadEscalationFile(config.ConfigPath(config.escalation_file));
  if (auto* err = std::get_if<LoadError>(&loaded)) return *err;
  if (auto e = CheckPolicyPeriods(std::get<EscalationSettings>(loaded), calendars)) return *e;
  static const core::OrgTree kNoOrg = std::get<core::OrgTree>(core::OrgTree::Build({}));
  return PrepareEscalation(std::get<EscalationSettings>(std::move(loaded)),
                           tree != nullptr ? *tree : kNoOrg, config.time_zone, requirements);
}

}  // namespace pingan::config

// Escalation policies: who is told, after how long, over which channels, how many
// times; and which policy applies to an alert.
//
// Configuration values (built by app/ from YAML), immutable once validated and shared
// read-only between threads. SelectPolicy is pure: the caller passes the calendar period
// kinds active for the school at that moment (e.g. "major_event").
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/core/alert.h"
#include "daemon/core/clock.h"
#include "daemon/core/org_tree.h"
#include "daemon/core/recipient.h"
#include "daemon/core/report.h"
#include "daemon/core/result.h"

namespace pingan::core {

// A unit named relative to the alert's school (一级抓一级), or a fixed unit.
struct UnitRef {
  enum class Kind { kSchool, kParent, kAncestorOfKind, kFixed };
  Kind kind = Kind::kSchool;
  UnitKind ancestor_kind = UnitKind::kDistrict;  // kAncestorOfKind: nearest such ancestor
  std::string unit_id;                           // kFixed

  static UnitRef School() { return {}; }
  static UnitRef Parent() { return {Kind::kParent, UnitKind::kDistrict, ""}; }
  static UnitRef Ancestor(UnitKind k) { return {Kind::kAncestorOfKind, k, ""}; }
  static UnitRef Fixed(std::string id) {
    return {Kind::kFixed, UnitKind::kDistrict, std::move(id)};
  }
};

// Whom one step notifies.
struct Target {
  enum class Kind {
    kContact,  // contacts with `role` at `unit` (org tree)
    kOnDuty,   // the officer(s) on duty at `unit` per its roster; falls back to the unit's
               // duty contacts, with a warning, when the roster has a gap
    kPerson,   // a named person
    kGroup,    // a named group of people (EscalationConfig::groups)
  };
  Kind kind = Kind::kContact;
  UnitRef unit;
  ContactRole role = ContactRole::kDutyContact;
  Recipient person;
  std::string group;

  static Target Contact(UnitRef u, ContactRole r) {
    return {Kind::kContact, std::move(u), r, {}, ""};
  }
  static Target OnDuty(UnitRef u) { return {Kind::kOnDuty, std::move(u), {}, {}, ""}; }
  static Target Person(Recipient p) { return {Kind::kPerson, {}, {}, std::move(p), ""}; }
  static Target Group(std::string g) { return {Kind::kGroup, {}, {}, {}, std::move(g)}; }
};

struct Step {
  // Delay after the previous step; for step 0, after the alert was raised (first pass
  // only: later passes start `repeat_interval` after the last step).
  Millis wait{0};
  std::vector<Target> targets;
  // Preferred channels in fallback order; each recipient gets those it has an address
  // for.
  std::vector<ChannelKind> channels{ChannelKind::kSms, ChannelKind::kEmail};
};

struct Policy {
  std::string id;
  // Conditions; an empty list matches anything. Alerts without a severity (missing,
  // late) match only policies with no severity condition.
  std::vector<AlertKind> kinds;
  std::vector<Severity> severities;
  std::vector<std::string> period_kinds;  // at least one must be active

  std::vector<Step> steps;
  int repeat = 0;  // extra passes over all steps after the first
  Millis repeat_interval{std::chrono::minutes{30}};
  Millis ack_timeout{0};  // 0: an acknowledgement never lapses
};

// Incidents of severity I-II or flagged for leaders go at once to the leaders of every
// unit from `lowest_unit_kind` (district) up to the root, whatever policy applies.
struct LeaderRule {
  bool enabled = true;
  Severity max_severity = Severity::kII;  // this grade and more serious ones
  UnitKind lowest_unit_kind = UnitKind::kDistrict;
  std::vector<ContactRole> roles{ContactRole::kSupervisingLeader, ContactRole::kPrimaryAccountable};
  std::vector<ChannelKind> channels{ChannelKind::kSms, ChannelKind::kEmail};
};

struct EscalationConfig {
  std::vector<Policy> policies;  // tried in order; the first match wins
  std::map<std::string, std::vector<Recipient>, std::less<>> groups;
  LeaderRule leaders;
};

// `key`: the policy's id, empty when the problem is not one policy's.
using PolicyConfigError = Error;

// Checks ids are unique and non-empty, every policy has steps with targets and
// channels, waits and counts are not negative, groups and fixed units exist.
std::optional<PolicyConfigError> ValidateEscalationConfig(const EscalationConfig& config,
                                                          const OrgTree& tree);

bool PolicyMatches(const Policy& policy, const Alert& alert,
                   const std::vector<std::string>& active_period_kinds);

// The first policy matching the alert, or nullptr (the alert then stays on the console
// without notifications; app/ should configure a catch-all last policy).
const Policy* SelectPolicy(const EscalationConfig& config, const Alert& alert,
                           const std::vector<std::string>& active_period_kinds);
const Policy* FindPolicy(const EscalationConfig& config, std::string_view id);

bool LeaderRuleApplies(const LeaderRule& rule, const Alert& alert);

// The unit `ref` names for a school, or nullptr when there is none (no such ancestor).
const Unit* ResolveUnitRef(const UnitRef& ref, const Unit& school, const OrgTree& tree);

}  // namespace pingan::core

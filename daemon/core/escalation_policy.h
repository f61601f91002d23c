// Escalation policies: who is told, after how long, over which channels, how many
// times; and which policy applies to an alert.
//
// Configuration values (built by app/ from YAML), immutable once validated and shared
// read-only between threads. SelectPolicy is pure: the caller passes the calendar period
// kinds active for the school at that moment (e.g. "major_event").
#pragma once

#include <functional>
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
#include "daemon/core/roster.h"

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
  // The channels, restricted per recipient to those it has an address for. By default
  // (YAML `fallback:`) one message tried in this order: a channel that fails for good
  // hands over to the next. With `all_at_once` (YAML `all_at_once:`) one message on
  // every one of them at the same time (a grave incident must not wait for an SMS
  // gateway to give up before the e-mail goes out).
  std::vector<ChannelKind> channels{ChannelKind::kSms, ChannelKind::kEmail};
  bool all_at_once = false;
};

// Who gets a requirement's reminder before its deadline and how (a requirement's
// `reminder:` in the calendars file); without one, the school's duty contacts over
// escalation `channels.reminders` in fallback order, as before. `channels` empty: those
// same default channels.
struct ReminderRoute {
  std::vector<Target> to;
  std::vector<ChannelKind> channels;
  bool all_at_once = false;
};

// "<unit>_<role>" names a reminder recipient: unit school, parent, township, district,
// city or province (the nearest such unit above the school); role duty (duty_contact),
// primary (primary_accountable), leader (supervising_leader) or on_duty (the roster's
// officer on duty there). E.g. "school_duty", "district_on_duty".
std::optional<Target> ParseRecipientToken(std::string_view token);
// The token of a contact or on-duty target relative to the school; "" for others.
std::string RecipientToken(const Target& t);

struct Policy {
  std::string id;
  // Conditions; an empty list matches anything. Alerts without a severity (missing,
  // late) match only policies with no severity condition.
  std::vector<std::string> requirements;  // the alert's requirement id is one of them
  std::vector<AlertKind> kinds;
  std::vector<Severity> severities;
  std::vector<std::string> period_kinds;  // at least one must be active

  std::vector<Step> steps;
  int repeat = 0;  // extra passes over all steps after the first
  Millis repeat_interval{std::chrono::minutes{30}};
  Millis ack_timeout{0};  // 0: an acknowledgement never lapses

  std::string source;  // where it was defined ("escalation.yaml:40"); echoed in errors
};

// How specific a policy's conditions are: a requirement condition outweighs all the
// others, then periods, then severities, then kinds (8, 4, 2, 1 summed). SelectPolicy
// picks the most specific match; ValidateEscalationConfig refuses two policies of equal
// specificity that could match the same alert (same-kind conditions that share a value;
// policies whose period lists share no kind may both match on a day when periods of
// both are active: then the earlier one in the file wins).
int PolicySpecificity(const Policy& policy);

// Incidents of severity I-II or flagged for leaders go at once to the leaders of every
// unit from `lowest_unit_kind` (district) up to the root, whatever policy applies. Its
// channels are a plan like a step's: a fallback order, or with `all_at_once` every
// channel at the same time (YAML `leaders.fallback:` / `leaders.all_at_once:`).
struct LeaderRule {
  bool enabled = true;
  Severity max_severity = Severity::kII;  // this grade and more serious ones
  UnitKind lowest_unit_kind = UnitKind::kDistrict;
  std::vector<ContactRole> roles{ContactRole::kSupervisingLeader, ContactRole::kPrimaryAccountable};
  std::vector<ChannelKind> channels{ChannelKind::kSms, ChannelKind::kEmail};
  bool all_at_once = false;
};

struct EscalationConfig {
  std::vector<Policy> policies;  // the most specific match wins (PolicySpecificity)
  std::map<std::string, std::vector<Recipient>, std::less<>> groups;
  LeaderRule leaders;
};

// `key`: the policy's id, empty when the problem is not one policy's.
using PolicyConfigError = Error;

// Checks ids are unique and non-empty, every policy has steps with targets and
// channels, waits and counts are not negative, groups and fixed units exist, and no two
// policies are ambiguous (see PolicySpecificity). `key` of the error: the policy's id.
std::optional<PolicyConfigError> ValidateEscalationConfig(const EscalationConfig& config,
                                                          const OrgTree& tree);

bool PolicyMatches(const Policy& policy, const Alert& alert,
                   const std::vector<std::string>& active_period_kinds);

// The most specific policy matching the alert (the earliest of equally specific ones),
// or nullptr (the alert then stays on the console without notifications; app/ should
// configure a catch-all policy).
const Policy* SelectPolicy(const EscalationConfig& config, const Alert& alert,
                           const std::vector<std::string>& active_period_kinds);
const Policy* FindPolicy(const EscalationConfig& config, std::string_view id);

bool LeaderRuleApplies(const LeaderRule& rule, const Alert& alert);

// The unit `ref` names for a school, or nullptr when there is none (no such ancestor).
const Unit* ResolveUnitRef(const UnitRef& ref, const Unit& school, const OrgTree& tree);

// Everyone `t` names for school `school_id` at `now`: contacts of a role,
// the roster's officers on duty (the unit's duty contacts when the roster has a gap),
// a person or a group of `config`. Problems (no such unit, nobody with the role, a
// roster gap) are passed to `warn` as text for people.
std::vector<Recipient> ResolveTarget(const Target& t, std::string_view school_id,
                                     const OrgTree& tree, const EscalationConfig& config,
                                     const Rosters& rosters, Instant now,
                                     const std::function<void(std::string)>& warn);

}  // namespace pingan::core

#include "daemon/core/escalation_policy.h"

#include <gtest/gtest.h>

#include "tests/core/escalation_fixture.h"

namespace pingan::core {
namespace {

using namespace std::chrono_literals;
using testing::Cst;

Alert Incident(std::optional<Severity> s) {
  Alert a;
  a.id = "i";
  a.kind = AlertKind::kIncident;
  a.school_id = "s01";
  a.severity = s;
  return a;
}

TEST(EscalationPolicyTest, StricterChainDuringMajorEvents) {
  const EscalationConfig config = testing::MakeConfig();
  const Alert a = NewMissingAlert("a", "s01", "daily", "w", Cst(3, 16));
  EXPECT_EQ(SelectPolicy(config, a, {"major_event"})->id, "missing-major-event");
  EXPECT_EQ(SelectPolicy(config, a, {"holiday", "major_event"})->id, "missing-major-event");
  EXPECT_EQ(SelectPolicy(config, a, {"holiday"})->id, "missing-default");
  EXPECT_EQ(SelectPolicy(config, a, {})->id, "missing-default");
}

TEST(EscalationPolicyTest, SeverityConditions) {
  EscalationConfig config = testing::MakeConfig();
  Policy grave = testing::IncidentPolicy();
  grave.id = "incident-grave";
  grave.severities = {Severity::kI, Severity::kII};
  config.policies.insert(config.policies.begin(), grave);
  EXPECT_EQ(SelectPolicy(config, Incident(Severity::kII), {})->id, "incident-grave");
  EXPECT_EQ(SelectPolicy(config, Incident(Severity::kIV), {})->id, "incident");
  // A missing alert has no severity: a severity condition never matches it.
  Policy any_grave = grave;
  any_grave.kinds.clear();
  EXPECT_FALSE(PolicyMatches(any_grave, NewMissingAlert("a", "s01", "r", "w", Cst(3, 1)), {}));
}

TEST(EscalationPolicyTest, NothingMatchesALateAlertHere) {
  const EscalationConfig config = testing::MakeConfig();
  EXPECT_EQ(SelectPolicy(config, NewLateAlert("l", "s01", "r", "w", Cst(3, 1)), {}), nullptr);
}

TEST(EscalationPolicyTest, LeaderRule) {
  const LeaderRule rule;
  EXPECT_TRUE(LeaderRuleApplies(rule, Incident(Severity::kI)));
  EXPECT_TRUE(LeaderRuleApplies(rule, Incident(Severity::kII)));
  EXPECT_FALSE(LeaderRuleApplies(rule, Incident(Severity::kIII)));
  Alert flagged = Incident(Severity::kIV);
  flagged.needs_leader_attention = true;
  EXPECT_TRUE(LeaderRuleApplies(rule, flagged));
  EXPECT_FALSE(LeaderRuleApplies(rule, NewMissingAlert("a", "s01", "r", "w", Cst(3, 1))));
  LeaderRule off;
  off.enabled = false;
  EXPECT_FALSE(LeaderRuleApplies(off, Incident(Severity::kI)));
}

TEST(EscalationPolicyTest, UnitRefs) {
  const OrgTree tree = testing::MakeTree(2);
  const Unit& school = *tree.Find("s01");
  EXPECT_EQ(ResolveUnitRef(UnitRef::School(), school, tree)->id, "s01");
  EXPECT_EQ(ResolveUnitRef(UnitRef::Parent(), school, tree)->id, "t1");
  EXPECT_EQ(ResolveUnitRef(UnitRef::Ancestor(UnitKind::kDistrict), school, tree)->id, "d1");
  EXPECT_EQ(ResolveUnitRef(UnitRef::Ancestor(UnitKind::kCity), school, tree)->id, "city");
  EXPECT_EQ(ResolveUnitRef(UnitRef::Fixed("prov"), school, tree)->id, "prov");
  EXPECT_EQ(ResolveUnitRef(UnitRef::Ancestor(UnitKind::kSchool), school, tree), nullptr);
}

TEST(EscalationPolicyTest, ValidationCatchesMistakes) {
  const OrgTree tree = testing::MakeTree(2);
  EXPECT_FALSE(ValidateEscalationConfig(testing::MakeConfig(), tree).has_value());

  auto expect_error = [&](EscalationConfig c, std::string_view fragment) {
    auto e = ValidateEscalationConfig(c, tree);
    ASSERT_TRUE(e.has_value()) << fragment;
    EXPECT_NE(e->message.find(fragment), std::string::npos) << e->message;
  };
  EscalationConfig c = testing::MakeConfig();
  c.policies[0].steps.clear();
  expect_error(c, "no steps");

  c = testing::MakeConfig();
  c.policies[1].id = c.policies[0].id;
  expect_error(c, "duplicate");

  c = testing::MakeConfig();
  c.policies[0].steps[0].targets.push_back(Target::Group("nobody"));
  expect_error(c, "nobody");

  c = testing::MakeConfig();
  c.policies[0].steps[0].targets.push_back(Target::OnDuty(UnitRef::Fixed("atlantis")));
  expect_error(c, "atlantis");

  c = testing::MakeConfig();
  c.policies[0].steps[1].wait = -1min;
  expect_error(c, "negative");

  c = testing::MakeConfig();
  c.policies[0].steps[0].channels.clear();
  expect_error(c, "channels");
}

}  // namespace
}  // namespace pingan::core

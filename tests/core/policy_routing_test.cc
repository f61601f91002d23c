// Escalation per requirement (issue 14 item 2): a policy naming a requirement takes that
// requirement's alerts before any kind- or period-only policy; equally specific
// policies that overlap are refused; an all-at-once step sends on every channel at
// once, each message on its own; reminders go to a requirement's own recipients over
// its own channels; the leaders' fast path takes the same channel plan as a step.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "daemon/core/escalation_engine.h"
#include "daemon/core/escalation_policy.h"
#include "daemon/core/grouping.h"
#include "daemon/core/outbox_row.h"
#include "daemon/core/reminders.h"
#include "tests/core/escalation_fixture.h"

namespace pingan::core {
namespace {

using namespace std::chrono_literals;
using testing::Cst;

Policy Chain(std::string id, std::vector<AlertKind> kinds, std::vector<std::string> periods = {},
             std::vector<std::string> requirements = {}) {
  Policy p;
  p.id = std::move(id);
  p.kinds = std::move(kinds);
  p.period_kinds = std::move(periods);
  p.requirements = std::move(requirements);
  p.steps = {{0min, {Target::Contact(UnitRef::School(), ContactRole::kDutyContact)}}};
  return p;
}

EscalationConfig HolidayConfig() {
  EscalationConfig c;
  c.policies = {Chain("missing-holiday", {AlertKind::kMissing}, {"public_holiday"}),
                Chain("default", {}),
                Chain("monthly", {AlertKind::kMissing}, {}, {"monthly-summary"})};
  return c;
}

// The example: a missed monthly summary on a holiday ran the holiday chain.
TEST(PolicyRoutingTest, ARequirementPolicyBeatsKindAndPeriodPoliciesWhateverTheOrder) {
  const EscalationConfig c = HolidayConfig();
  const Alert monthly = NewMissingAlert("m", "s01", "monthly-summary", "2024-10", Cst(3, 17));
  const Alert daily = NewMissingAlert("d", "s01", "daily", "2024-10-03", Cst(3, 17));
  EXPECT_EQ(SelectPolicy(c, monthly, {"public_holiday"})->id, "monthly");
  EXPECT_EQ(SelectPolicy(c, monthly, {})->id, "monthly");
  EXPECT_EQ(SelectPolicy(c, daily, {"public_holiday"})->id, "missing-holiday");
  EXPECT_EQ(SelectPolicy(c, daily, {})->id, "default");
  // Its late alerts are not its missing alerts: the kinds condition still holds.
  EXPECT_EQ(SelectPolicy(c, NewLateAlert("l", "s01", "monthly-summary", "2024-10", Cst(3, 18)),
                         {"public_holiday"})
                ->id,
            "default");
  EXPECT_LT(PolicySpecificity(c.policies[0]), PolicySpecificity(c.policies[2]));
  EXPECT_EQ(PolicySpecificity(c.policies[1]), 0);
}

TEST(PolicyRoutingTest, EquallySpecificOverlappingPoliciesAreAConfigError) {
  const OrgTree tree = testing::MakeTree(1);
  EscalationConfig c = HolidayConfig();
  EXPECT_FALSE(ValidateEscalationConfig(c, tree).has_value());
  Policy twin = Chain("monthly-2", {AlertKind::kMissing}, {}, {"monthly-summary", "other"});
  twin.source = "escalation.yaml:40";
  c.policies[2].source = "escalation.yaml:30";
  c.policies.push_back(twin);
  auto problem = ValidateEscalationConfig(c, tree);
  ASSERT_TRUE(problem.has_value());
  EXPECT_EQ(problem->key, "monthly-2");
  EXPECT_NE(problem->message.find("policy 'monthly' (escalation.yaml:30)"), std::string::npos)
      << problem->message;
  // Disjoint conditions of the same weight are fine: other requirements, other kinds.
  c.policies.back().requirements = {"other"};
  EXPECT_FALSE(ValidateEscalationConfig(c, tree).has_value());
  c.policies.back().requirements = {"monthly-summary"};
  c.policies.back().kinds = {AlertKind::kLate};
  EXPECT_FALSE(ValidateEscalationConfig(c, tree).has_value());
  // Two catch-alls: the second could never run.
  c.policies.push_back(Chain("default-2", {}));
  ASSERT_TRUE(ValidateEscalationConfig(c, tree).has_value());
  EXPECT_EQ(ValidateEscalationConfig(c, tree)->key, "default-2");
}

TEST(PolicyRoutingTest, RecipientTokens) {
  for (const char* token : {"school_duty", "school_primary", "parent_leader", "district_on_duty",
                            "township_duty", "city_primary", "province_leader"}) {
    auto t = ParseRecipientToken(token);
    ASSERT_TRUE(t.has_value()) << token;
    EXPECT_EQ(RecipientToken(*t), token);
  }
  const Target on_duty = *ParseRecipientToken("district_on_duty");
  EXPECT_EQ(on_duty.kind, Target::Kind::kOnDuty);
  EXPECT_EQ(on_duty.unit.ancestor_kind, UnitKind::kDistrict);
  for (const char* bad : {"", "school", "school_", "school_school_duty", "district_boss",
                          "unit:d1_duty", "school_on"}) {
    EXPECT_FALSE(ParseRecipientToken(bad).has_value()) << bad;
  }
}

Alert GraveIncident(Instant at) {
  Report r;
  r.report_id = "r1";
  r.school_id = "s01";
  r.kind = ReportKind::kIncident;
  r.incident = Incident{};
  r.incident->severity = Severity::kI;
  return std::get<Alert>(NewIncidentAlert("i1", r, at));
}

TEST(PolicyRoutingTest, AnAllAtOnceStepSendsOnEveryChannelAsSeparateMessages) {
  const OrgTree tree = testing::MakeTree(1);
  const Rosters rosters;
  EscalationConfig c;
  c.leaders.enabled = false;
  Policy grave = Chain("grave", {AlertKind::kIncident});
  grave.steps[0].targets = {Target::Person({"值班大屏", "8001", "duty@example.cn", "screen"})};
  grave.steps[0].channels = {ChannelKind::kSms, ChannelKind::kEmail, ChannelKind::kWebhook};
  grave.steps[0].all_at_once = true;
  c.policies = {grave};
  const EscalationContext ctx{tree, rosters, c};
  const EscalationDecision d = Advance(GraveIncident(Cst(3, 9)), &c.policies[0], ctx, Cst(3, 9));
  ASSERT_EQ(d.notifications.size(), 3u);
  std::set<std::string> keys;
  std::vector<ChannelKind> channels;
  for (const GroupedMessage& m : GroupNow(d.notifications)) {
    ASSERT_EQ(m.channels.size(), 1u) << "one channel each: nothing falls back";
    EXPECT_TRUE(m.all_at_once);
    channels.push_back(m.channels[0]);
    keys.insert(MessageKey(m));
  }
  EXPECT_EQ(channels, grave.steps[0].channels);
  EXPECT_EQ(keys.size(), 3u) << "distinct idempotency keys";
  EXPECT_NE(
      keys.count("i1/0/0/alert/" + RecipientKey(grave.steps[0].targets[0].person) + "/all:webhook"),
      0u);
  // The same step in fallback order: one message trying sms, email, webhook.
  c.policies[0].steps[0].all_at_once = false;
  const EscalationDecision f = Advance(GraveIncident(Cst(3, 9)), &c.policies[0], ctx, Cst(3, 9));
  ASSERT_EQ(f.notifications.size(), 1u);
  EXPECT_EQ(f.notifications[0].channels, grave.steps[0].channels);
  EXPECT_FALSE(f.notifications[0].all_at_once);
  // The person is remembered once, with every channel used (for the resolved notice).
  ASSERT_EQ(d.alert.notified.size(), 1u);
  EXPECT_EQ(d.alert.notified[0].channels, grave.steps[0].channels);
}

// The leaders' fast path takes the same plan as a step (issue 14): all at once, every
// leader gets one message per channel at the same moment; by default one message each
// in fallback order.
TEST(PolicyRoutingTest, TheLeadersFastPathCanSendOnEveryChannelAtOnce) {
  const OrgTree tree = testing::MakeTree(1);
  const Rosters rosters;
  EscalationConfig c;
  c.leaders.all_at_once = true;
  c.leaders.lowest_unit_kind = UnitKind::kDistrict;
  const EscalationContext ctx{tree, rosters, c};
  const EscalationDecision d = Advance(GraveIncident(Cst(3, 9)), nullptr, ctx, Cst(3, 9));
  std::map<std::string, std::vector<ChannelKind>> per_leader;
  for (const Notification& n : d.notifications) {
    ASSERT_EQ(n.step, kLeaderStep);
    ASSERT_EQ(n.channels.size(), 1u) << "one channel each: nothing falls back";
    EXPECT_TRUE(n.all_at_once);
    per_leader[n.recipient.name].push_back(n.channels[0]);
  }
  ASSERT_EQ(per_leader.size(), 6u) << "district, city and province leaders";
  for (const auto& [name, channels] : per_leader) {
    EXPECT_EQ(channels, c.leaders.channels) << name;
  }
  std::set<std::string> keys;
  for (const GroupedMessage& m : GroupNow(d.notifications)) keys.insert(MessageKey(m));
  EXPECT_EQ(keys.size(), 12u) << "distinct idempotency keys per leader and channel";

  c.leaders.all_at_once = false;
  const EscalationDecision f = Advance(GraveIncident(Cst(3, 9)), nullptr, ctx, Cst(3, 9));
  ASSERT_EQ(f.notifications.size(), 6u) << "one message per leader";
  for (const Notification& n : f.notifications) {
    EXPECT_FALSE(n.all_at_once);
    EXPECT_EQ(n.channels, c.leaders.channels);
  }
}

class ReminderRouteTest : public ::testing::Test {
 protected:
  ReminderRouteTest() : tree_(testing::MakeTree(2)), rosters_(testing::MakeRosters()) {
    due_.window.requirement_id = "monthly";
    due_.window.window_id = "2024-10";
    due_.window.deadline = Cst(3, 16);
    due_.window.remind_at = Cst(3, 14);
    due_.window.time_zone = "Asia/Shanghai";
    for (int i = 1; i <= 2; ++i) due_.schools.push_back(tree_.Find(testing::SchoolId(i)));
    Requirement q;
    q.id = "monthly";
    q.kind = RequirementKind::kMonthlySummary;
    q.remind_before = 2h;
    q.reminder_route = ReminderRoute{
        {*ParseRecipientToken("school_primary"), *ParseRecipientToken("district_on_duty")},
        {ChannelKind::kSms, ChannelKind::kEmail},
        true};
    requirements_ = {q};
  }
  ReminderPlan Plan() {
    return PlanReminders(due_, [](std::string_view id) { return id == "s02"; }, tree_,
                         kDefaultReminderChannels, "", Cst(3, 14), {&requirements_, &rosters_});
  }

  OrgTree tree_;
  Rosters rosters_;
  DueWindow due_;
  std::vector<Requirement> requirements_;
};

TEST_F(ReminderRouteTest, TheRequirementsRecipientsGetItOnEveryChannelAtOnce) {
  const ReminderPlan plan = Plan();
  std::multiset<std::pair<std::string, std::string>> sent;  // (name, channel)
  std::set<std::string> keys;
  for (const OutboxRow& row : plan.rows) {
    ASSERT_EQ(row.channels.size(), 1u);
    sent.insert({row.recipient.name, std::string(ChannelKindName(row.channels[0]))});
    keys.insert(row.key);
    EXPECT_EQ(row.school.id, "s01") << "s02 reported";
  }
  // 值班员甲 is on duty at the district on 3 Oct 14:00; 总务处1 (school duty) is not asked.
  const std::multiset<std::pair<std::string, std::string>> expected{
      {"校长1", "sms"}, {"校长1", "email"}, {"值班员甲", "sms"}};
  EXPECT_EQ(sent, expected) << "the officer has no e-mail address";
  EXPECT_EQ(keys.size(), plan.rows.size());
  EXPECT_NE(keys.count("reminder|" + SweepKey(due_.window) + "|s01|校长1|email"), 0u);
}

TEST_F(ReminderRouteTest, WithoutARouteTheSchoolsDutyContactsOverTheDefaultChannels) {
  requirements_[0].reminder_route.reset();
  const ReminderPlan plan = Plan();
  ASSERT_EQ(plan.rows.size(), 1u);
  EXPECT_EQ(plan.rows[0].recipient.name, "总务处1");
  EXPECT_EQ(plan.rows[0].channels, kDefaultReminderChannels);
  EXPECT_EQ(plan.rows[0].key, "reminder|" + SweepKey(due_.window) + "|s01|总务处1");
  // An override deeper in the tree replaces the whole-organisation requirement.
  Requirement local = requirements_[0];
  local.scope_unit_id = "t1";
  local.reminder_route = ReminderRoute{{*ParseRecipientToken("parent_duty")}, {}, false};
  requirements_.push_back(local);
  const ReminderPlan overridden = Plan();
  ASSERT_EQ(overridden.rows.size(), 1u);
  EXPECT_EQ(overridden.rows[0].recipient.name, "中心校值班");
  EXPECT_EQ(overridden.rows[0].channels, kDefaultReminderChannels) << "channels by default";
}

}  // namespace
}  // namespace pingan::core

// The escalation file's policy conditions by requirement, the channel plan of a step
// and of the leaders' fast path (`fallback:` / `all_at_once:`, the deprecated
// `channels:`), and a requirement's `reminder:` in the calendars file: what they read
// as and the file:line errors and warnings --check-config prints.
#include <gtest/gtest.h>

#include "daemon/config/calendar_loader.h"
#include "daemon/config/escalation_config.h"

namespace pingan::config {
namespace {

using namespace std::chrono_literals;

std::variant<EscalationSettings, LoadError> Esc(const std::string& policies) {
  return ParseEscalationYaml("policies:\n" + policies, "esc.yaml", ".");
}

const core::OrgTree& NoOrg() {
  static const core::OrgTree tree = std::get<core::OrgTree>(core::OrgTree::Build({}));
  return tree;
}

TEST(PolicyConfig, AStepSaysFallbackOrAllAtOnceAndTheOldKeyWarnsWithItsLine) {
  auto parsed = Esc(R"(  - id: grave
    kinds: [incident]
    steps:
      - notify: [{group: room}]
        all_at_once: [sms, email, webhook]
      - notify: [{group: room}]
        fallback: [email, sms]
      - notify: [{group: room}]
        channels: [sms, email]
      - notify: [{group: room}]
)");
  ASSERT_TRUE(std::holds_alternative<EscalationSettings>(parsed))
      << std::get<LoadError>(parsed).ToString();
  const EscalationSettings s = std::get<EscalationSettings>(parsed);
  const auto& steps = s.policies.policies.at(0).steps;
  ASSERT_EQ(steps.size(), 4u);
  using core::ChannelKind;
  EXPECT_TRUE(steps[0].all_at_once);
  EXPECT_EQ(steps[0].channels, (std::vector<ChannelKind>{ChannelKind::kSms, ChannelKind::kEmail,
                                                         ChannelKind::kWebhook}));
  EXPECT_FALSE(steps[1].all_at_once);
  EXPECT_EQ(steps[1].channels, (std::vector<ChannelKind>{ChannelKind::kEmail, ChannelKind::kSms}));
  EXPECT_FALSE(steps[2].all_at_once) << "channels: is a fallback order, as it always was";
  EXPECT_EQ(steps[2].channels, (std::vector<ChannelKind>{ChannelKind::kSms, ChannelKind::kEmail}));
  EXPECT_FALSE(steps[3].all_at_once);
  EXPECT_EQ(steps[3].channels, (std::vector<ChannelKind>{ChannelKind::kSms, ChannelKind::kEmail}))
      << "the default";
  ASSERT_EQ(s.warnings.size(), 1u);
  EXPECT_EQ(s.warnings[0].rfind("esc.yaml:10: policies[0].steps[2].channels: deprecated", 0), 0u)
      << s.warnings[0];
  EXPECT_NE(s.warnings[0].find("write `fallback:`"), std::string::npos);
  EXPECT_EQ(s.policies.policies[0].source, "esc.yaml:2");
}

TEST(PolicyConfig, ChannelPlanErrorsNameFileLineAndKey) {
  const std::pair<const char*, const char*> cases[] = {
      {"        fallback: [sms]\n        all_at_once: [email]\n",
       "esc.yaml:6: policies[0].steps[0].all_at_once: goes with fallback"},
      {"        all_at_once: [sms, pager]\n",
       "esc.yaml:5: policies[0].steps[0].all_at_once: 'pager' is not sms, email or webhook"},
      {"        all_at_once: []\n",
       "esc.yaml:5: policies[0].steps[0].all_at_once: needs at least one channel"},
      {"        fallback: [sms, sms]\n",
       "esc.yaml:5: policies[0].steps[0].fallback: names 'sms' twice"},
  };
  for (const auto& [step, want] : cases) {
    auto parsed = Esc(
        std::string("  - id: p\n    steps:\n      - notify: [{contact: duty_contact}]\n") + step);
    ASSERT_TRUE(std::holds_alternative<LoadError>(parsed)) << step;
    EXPECT_EQ(std::get<LoadError>(parsed).ToString().rfind(want, 0), 0u)
        << std::get<LoadError>(parsed).ToString();
  }
}

// The leaders' fast path reads its channels with the same plan as a step.
TEST(PolicyConfig, TheLeadersSayFallbackOrAllAtOnceLikeASteps) {
  using core::ChannelKind;
  auto leaders = [](const std::string& body) {
    return ParseEscalationYaml("leaders:\n  enabled: true\n" + body, "esc.yaml", ".");
  };
  auto all = leaders("  all_at_once: [sms, email]\n");
  ASSERT_TRUE(std::holds_alternative<EscalationSettings>(all))
      << std::get<LoadError>(all).ToString();
  const core::LeaderRule& a = std::get<EscalationSettings>(all).policies.leaders;
  EXPECT_TRUE(a.all_at_once);
  EXPECT_EQ(a.channels, (std::vector<ChannelKind>{ChannelKind::kSms, ChannelKind::kEmail}));

  auto fallback = leaders("  fallback: [email, sms]\n");
  ASSERT_TRUE(std::holds_alternative<EscalationSettings>(fallback));
  const core::LeaderRule& f = std::get<EscalationSettings>(fallback).policies.leaders;
  EXPECT_FALSE(f.all_at_once);
  EXPECT_EQ(f.channels, (std::vector<ChannelKind>{ChannelKind::kEmail, ChannelKind::kSms}));

  auto old = leaders("  channels: [webhook]\n");
  ASSERT_TRUE(std::holds_alternative<EscalationSettings>(old));
  const EscalationSettings& o = std::get<EscalationSettings>(old);
  EXPECT_FALSE(o.policies.leaders.all_at_once);
  EXPECT_EQ(o.policies.leaders.channels, std::vector<ChannelKind>{ChannelKind::kWebhook});
  ASSERT_EQ(o.warnings.size(), 1u);
  EXPECT_EQ(o.warnings[0].rfind("esc.yaml:3: leaders.channels: deprecated", 0), 0u)
      << o.warnings[0];

  const std::pair<const char*, const char*> errors[] = {
      {"  fallback: [sms]\n  all_at_once: [email]\n",
       "esc.yaml:4: leaders.all_at_once: goes with fallback"},
      {"  all_at_once: [sms, pager]\n",
       "esc.yaml:3: leaders.all_at_once: 'pager' is not sms, email or webhook"},
      {"  fallback: []\n", "esc.yaml:3: leaders.fallback: needs at least one channel"},
  };
  for (const auto& [body, want] : errors) {
    auto parsed = leaders(body);
    ASSERT_TRUE(std::holds_alternative<LoadError>(parsed)) << body;
    EXPECT_EQ(std::get<LoadError>(parsed).ToString().rfind(want, 0), 0u)
        << std::get<LoadError>(parsed).ToString();
  }
}

TEST(PolicyConfig, RequirementConditionsAreCheckedAgainstTheCalendarsAndForAmbiguity) {
  const std::string policies = R"(  - id: monthly
    requirements: [monthly-summary]
    steps: [{notify: [{contact: duty_contact}]}]
  - id: default
    steps: [{notify: [{contact: duty_contact}]}]
)";
  auto parsed = Esc(policies);
  ASSERT_TRUE(std::holds_alternative<EscalationSettings>(parsed));
  EXPECT_EQ(std::get<EscalationSettings>(parsed).policies.policies[0].requirements,
            std::vector<std::string>{"monthly-summary"});
  core::Requirement known;
  known.id = "monthly-summary";
  std::vector<core::Requirement> requirements{known};
  auto ok = PrepareEscalation(std::get<EscalationSettings>(parsed), NoOrg(), "Asia/Shanghai",
                              &requirements);
  EXPECT_TRUE(std::holds_alternative<SharedEscalation>(ok)) << std::get<LoadError>(ok).ToString();
  requirements[0].id = "monthly";
  auto typo = PrepareEscalation(std::get<EscalationSettings>(parsed), NoOrg(), "Asia/Shanghai",
                                &requirements);
  ASSERT_TRUE(std::holds_alternative<LoadError>(typo));
  EXPECT_EQ(std::get<LoadError>(typo).ToString(),
            "esc.yaml:2: policies: policy 'monthly': requirements: 'monthly-summary' is not a "
            "requirement of the calendars file");

  auto twins = Esc(policies + R"(  - id: monthly-again
    requirements: [monthly-summary]
    steps: [{notify: [{contact: duty_contact}]}]
)");
  ASSERT_TRUE(std::holds_alternative<EscalationSettings>(twins));
  auto ambiguous = PrepareEscalation(std::get<EscalationSettings>(twins), NoOrg(), "Asia/Shanghai");
  ASSERT_TRUE(std::holds_alternative<LoadError>(ambiguous));
  const std::string text = std::get<LoadError>(ambiguous).ToString();
  EXPECT_EQ(text.rfind("esc.yaml:7: policies: policy 'monthly-again': matches the same alerts "
                       "as policy 'monthly' (esc.yaml:2)",
                       0),
            0u)
      << text;

  auto empty =
      Esc("  - id: p\n    requirements: []\n    steps: [{notify: [{contact: duty_contact}]}]\n");
  ASSERT_TRUE(std::holds_alternative<LoadError>(empty));
  EXPECT_EQ(std::get<LoadError>(empty).ToString().rfind(
                "esc.yaml:3: policies[0].requirements: is empty", 0),
            0u)
      << std::get<LoadError>(empty).ToString();
}

std::variant<CalendarConfig, LoadError> Requirement(const std::string& extra) {
  return ParseCalendarConfigYaml(R"(requirements:
  - id: monthly
    kind: monthly_summary
    due_day: 30
    due_time: "17:00"
)" + extra,
                                 "cal.yaml", ".");
}

TEST(PolicyConfig, ARequirementsReminderNamesItsRecipientsAndChannels) {
  auto parsed = Requirement(R"(    reminder:
      before: 2d
      to: [school_primary, district_on_duty]
      all_at_once: [sms, email]
)");
  ASSERT_TRUE(std::holds_alternative<CalendarConfig>(parsed))
      << std::get<LoadError>(parsed).ToString();
  const core::Requirement& q = std::get<CalendarConfig>(parsed).requirements.at(0);
  EXPECT_EQ(q.remind_before, std::optional<core::Millis>{48h});
  ASSERT_TRUE(q.reminder_route.has_value());
  ASSERT_EQ(q.reminder_route->to.size(), 2u);
  EXPECT_EQ(core::RecipientToken(q.reminder_route->to[0]), "school_primary");
  EXPECT_EQ(core::RecipientToken(q.reminder_route->to[1]), "district_on_duty");
  EXPECT_TRUE(q.reminder_route->all_at_once);
  EXPECT_EQ(q.reminder_route->channels,
            (std::vector<core::ChannelKind>{core::ChannelKind::kSms, core::ChannelKind::kEmail}));

  auto defaults = Requirement("    reminder: {before: 1h}\n");
  ASSERT_TRUE(std::holds_alternative<CalendarConfig>(defaults));
  const core::Requirement& d = std::get<CalendarConfig>(defaults).requirements.at(0);
  ASSERT_TRUE(d.reminder_route.has_value());
  EXPECT_EQ(core::RecipientToken(d.reminder_route->to.at(0)), "school_duty");
  EXPECT_TRUE(d.reminder_route->channels.empty()) << "escalation channels.reminders then";
}

// A reminder route naming a channel nobody configured is warned about at start and by
// --check-config, as a policy step's is; a route without channels uses
// channels.reminders, warned about once for itself.
TEST(PolicyConfig, AReminderRoutesUnconfiguredChannelIsWarnedAboutLikeAStep) {
  auto calendars = Requirement(R"(    reminder:
      before: 2d
      to: [school_primary]
      all_at_once: [sms, email]
  - id: other
    kind: monthly_summary
    due_day: 28
    due_time: "17:00"
    reminder: {before: 1h}
)");
  ASSERT_TRUE(std::holds_alternative<CalendarConfig>(calendars))
      << std::get<LoadError>(calendars).ToString();
  const std::vector<core::Requirement>& requirements =
      std::get<CalendarConfig>(calendars).requirements;
  auto settings = ParseEscalationYaml(R"(policies:
  - id: p
    steps: [{notify: [{contact: duty_contact}], fallback: [email]}]
leaders: {enabled: false}
channels:
  reminders: [email]
  smtp: {url: "smtp://127.0.0.1:25", from_address: pingan@example.cn}
)",
                                      "esc.yaml", ".");
  ASSERT_TRUE(std::holds_alternative<EscalationSettings>(settings))
      << std::get<LoadError>(settings).ToString();
  auto prepared = PrepareEscalation(std::get<EscalationSettings>(settings), NoOrg(),
                                    "Asia/Shanghai", &requirements);
  ASSERT_TRUE(std::holds_alternative<SharedEscalation>(prepared))
      << std::get<LoadError>(prepared).ToString();
  EXPECT_EQ(std::get<SharedEscalation>(prepared)->warnings,
            std::vector<std::string>{"requirement monthly reminder (cal.yaml:2) uses sms, which "
                                     "is not configured under channels:"});
  // Without the requirements (an escalation file checked alone) nothing is said of them.
  auto alone = PrepareEscalation(std::get<EscalationSettings>(settings), NoOrg(), "Asia/Shanghai");
  ASSERT_TRUE(std::holds_alternative<SharedEscalation>(alone));
  EXPECT_TRUE(std::get<SharedEscalation>(alone)->warnings.empty());
}

TEST(PolicyConfig, ReminderErrorsNameFileLineAndKey) {
  const std::pair<const char*, const char*> cases[] = {
      {"    reminder: {to: [school_duty]}\n",
       "cal.yaml:6: requirements[0].reminder.before: is required"},
      {"    reminder: {before: 1h, to: [school_boss]}\n",
       "cal.yaml:6: requirements[0].reminder.to: 'school_boss' is not <unit>_<role>"},
      {"    reminder: {before: 1h, channels: [sms]}\n", "cal.yaml:6: requirements[0].reminder"},
      {"    reminder: {before: 1h, to: []}\n",
       "cal.yaml:6: requirements[0].reminder.to: needs at least one recipient"},
      {"    remind_before: 1h\n    reminder: {before: 1h}\n",
       "cal.yaml:7: requirements[0].reminder: goes instead of remind_before"},
  };
  for (const auto& [extra, want] : cases) {
    auto parsed = Requirement(extra);
    ASSERT_TRUE(std::holds_alternative<LoadError>(parsed)) << extra;
    EXPECT_EQ(std::get<LoadError>(parsed).ToString().rfind(want, 0), 0u)
        << std::get<LoadError>(parsed).ToString();
  }
}

}  // namespace
}  // namespace pingan::config

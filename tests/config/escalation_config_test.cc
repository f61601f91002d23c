#include "daemon/config/escalation_config.h"

#include "daemon/config/calendar_loader.h"
#include "daemon/config/policy_periods.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "daemon/config/org_loader.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/source_root.h"
#include "tests/fakes/temp_dir.h"
#include "tests/services/escalation_support.h"

namespace pingan::config {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

const fs::path kExamples = testing::SourceRoot() / "daemon" / "config" / "examples";

EscalationSettings Parse(const std::string& text) {
  auto parsed = ParseEscalationYaml(text, "esc.yaml", ".");
  if (auto* err = std::get_if<LoadError>(&parsed)) {
    ADD_FAILURE() << err->ToString();
    return {};
  }
  return std::get<EscalationSettings>(std::move(parsed));
}

LoadError ParseError(const std::string& text) {
  auto parsed = ParseEscalationYaml(text, "esc.yaml", ".");
  if (auto* err = std::get_if<LoadError>(&parsed)) return *err;
  ADD_FAILURE() << "accepted: " << text;
  return {};
}

const char* kMinimal = R"(
policies:
  - id: p
    steps:
      - notify:
          - contact: duty_contact
        fallback: [email]
)";

TEST(EscalationConfig, TheExampleLoadsAgainstTheExampleOrganisation) {
  ::setenv("PINGAN_SMTP_PASSWORD", "smtp-secret", 1);
  ::setenv("PINGAN_SMS_TOKEN", "Bearer sms", 1);
  ::setenv("PINGAN_WEBHOOK_SECRET", "hook-secret", 1);
  auto loaded = LoadEscalationFile((kExamples / "escalation.example.yaml").string());
  ASSERT_TRUE(std::holds_alternative<EscalationSettings>(loaded))
      << std::get<LoadError>(loaded).ToString();
  auto settings = std::get<EscalationSettings>(std::move(loaded));
  ASSERT_EQ(settings.policies.policies.size(), 5u);
  EXPECT_EQ(settings.policies.policies[2].kinds,
            std::vector<core::AlertKind>{core::AlertKind::kLate})
      << "late alerts have their own policy";
  EXPECT_EQ(settings.policies.policies[0].severities,
            (std::vector<core::Severity>{core::Severity::kI, core::Severity::kII}));
  EXPECT_EQ(settings.policies.policies[1].period_kinds,
            (std::vector<std::string>{"public_holiday", "major_event", "汛期"}));
  auto calendars = LoadCalendarConfigYaml((kExamples / "calendars.example.yaml").string());
  ASSERT_TRUE(std::holds_alternative<CalendarConfig>(calendars));
  EXPECT_EQ(CheckPolicyPeriods(settings, &std::get<CalendarConfig>(calendars).calendars),
            std::nullopt)
      << "汛期 is a tag of the example calendars";
  EXPECT_EQ(settings.policies.policies[1].ack_timeout, 2h);
  // A missed monthly summary has its own chain, whatever the calendar says.
  EXPECT_EQ(settings.policies.policies[3].requirements,
            std::vector<std::string>{"monthly-summary"});
  EXPECT_TRUE(settings.policies.policies[0].steps[0].all_at_once) << "grave: every channel";
  EXPECT_FALSE(settings.policies.policies[1].steps[0].all_at_once);
  EXPECT_TRUE(settings.policies.leaders.all_at_once) << "leaders hear on every channel at once";
  EXPECT_TRUE(settings.warnings.empty()) << "the example uses no deprecated key";
  ASSERT_TRUE(settings.smtp.has_value());
  EXPECT_EQ(settings.smtp->password, "smtp-secret") << "read from the environment";
  ASSERT_TRUE(settings.sms.has_value());
  EXPECT_EQ(settings.sms->headers.at(0).second, "Bearer sms");
  ASSERT_EQ(settings.webhooks.size(), 1u);
  EXPECT_EQ(settings.webhooks[0].secret, "hook-secret");
  EXPECT_EQ(settings.delivery.retry.max_attempts_per_channel, 10);
  EXPECT_EQ(settings.delivery.rate_limit.refill_every, 1min);
  EXPECT_EQ(settings.roster_file, (kExamples / "roster.example.csv").string());

  auto tree = LoadOrgTreeYaml((kExamples / "org.example.yaml").string());
  ASSERT_TRUE(std::holds_alternative<core::OrgTree>(tree));
  auto prepared =
      PrepareEscalation(std::move(settings), std::get<core::OrgTree>(tree), "Asia/Shanghai");
  ASSERT_TRUE(std::holds_alternative<SharedEscalation>(prepared))
      << std::get<LoadError>(prepared).ToString();
  const SharedEscalation setup = std::get<SharedEscalation>(prepared);
  EXPECT_EQ(setup->rosters.size(), 2u);
  EXPECT_TRUE(setup->warnings.empty()) << setup->warnings.front();
  // 2026-10-01 09:00 in Shenzhen: 张三 is on duty in Futian.
  const auto on_duty = core::WhoIsOnDuty(setup->rosters, "gd-sz-ft", testing::At(1, 9));
  ASSERT_EQ(on_duty.size(), 1u);
  EXPECT_EQ(on_duty[0].name, "张三");
}

TEST(EscalationConfig, AnEmptyFileMeansNoPoliciesAndTheDeliveryDefaults) {
  const EscalationSettings s = Parse("");
  EXPECT_TRUE(s.policies.policies.empty());
  EXPECT_FALSE(s.smtp.has_value());
  EXPECT_EQ(s.delivery.workers, 2);
  EXPECT_EQ(s.delivery.retry.max_attempts_per_channel, 10);
  EXPECT_EQ(s.grouping.window, core::Millis{0});
  EXPECT_EQ(s.reminder_channels, core::kDefaultReminderChannels);
}

TEST(EscalationConfig, TheChannelsOfRemindersAreConfigurable) {
  const EscalationSettings s = Parse("channels:\n  reminders: [email, sms]\n");
  EXPECT_EQ(s.reminder_channels,
            (std::vector<core::ChannelKind>{core::ChannelKind::kEmail, core::ChannelKind::kSms}));
  LoadError e = ParseError("channels:\n  reminders: [fax]\n");
  EXPECT_EQ(e.key, "channels.reminders");
  e = ParseError("channels:\n  reminders: []\n");
  EXPECT_EQ(e.key, "channels.reminders");
}

TEST(EscalationConfig, TargetsAndUnitReferencesAreRead) {
  const EscalationSettings s = Parse(R"(
groups:
  room: [{name: 值班室, phone: "123"}]
policies:
  - id: p
    kinds: missing
    steps:
      - wait: 15m
        notify:
          - {contact: supervising_leader, unit: district}
          - {contact: duty_contact, unit: "unit:d1"}
          - {on_duty: parent}
          - {person: {name: 王五, email: w@x.cn}}
          - {group: room}
)");
  ASSERT_EQ(s.policies.policies.size(), 1u);
  const core::Step& step = s.policies.policies[0].steps[0];
  EXPECT_EQ(step.wait, 15min);
  ASSERT_EQ(step.targets.size(), 5u);
  EXPECT_EQ(step.targets[0].unit.kind, core::UnitRef::Kind::kAncestorOfKind);
  EXPECT_EQ(step.targets[0].unit.ancestor_kind, core::UnitKind::kDistrict);
  EXPECT_EQ(step.targets[0].role, core::ContactRole::kSupervisingLeader);
  EXPECT_EQ(step.targets[1].unit.kind, core::UnitRef::Kind::kFixed);
  EXPECT_EQ(step.targets[1].unit.unit_id, "d1");
  EXPECT_EQ(step.targets[2].kind, core::Target::Kind::kOnDuty);
  EXPECT_EQ(step.targets[2].unit.kind, core::UnitRef::Kind::kParent);
  EXPECT_EQ(step.targets[3].person.email, "w@x.cn");
  EXPECT_EQ(step.targets[4].group, "room");
  EXPECT_EQ(step.channels,
            (std::vector<core::ChannelKind>{core::ChannelKind::kSms, core::ChannelKind::kEmail}))
      << "the default channels";
}

TEST(EscalationConfig, MistakesNameTheLineAndTheKey) {
  LoadError e = ParseError("policies:\n  - id: p\n    stepz: []\n");
  EXPECT_EQ(e.line, 3);
  EXPECT_EQ(e.key, "policies[0].stepz");
  e = ParseError(
      "policies:\n  - id: p\n    steps:\n      - notify:\n          - {contact: duty_contact, "
      "group: x}\n");
  EXPECT_EQ(e.key, "policies[0].steps[0].notify[0]");
  EXPECT_NE(e.message.find("exactly one"), std::string::npos);
  e = ParseError(std::string(kMinimal) + "        wait: soon\n");
  EXPECT_NE(e.message.find("duration"), std::string::npos);
  e = ParseError("policies:\n  - id: p\n    steps:\n      - notify: [{on_duty: galaxy}]\n");
  EXPECT_EQ(e.key, "policies[0].steps[0].notify[0].on_duty");
  e = ParseError(
      "policies:\n  - id: p\n    steps:\n      - notify: [{group: g}]\n"
      "        channels: [fax]\n");
  EXPECT_NE(e.message.find("'fax'"), std::string::npos);
  e = ParseError("delivery:\n  retry:\n    jitter: 3\n");
  EXPECT_EQ(e.key, "delivery.retry.jitter");
  e = ParseError("channels:\n  smtp:\n    url: http://x\n    from_address: a@b.cn\n");
  EXPECT_EQ(e.key, "channels.smtp.url");
  ::unsetenv("PINGAN_TEST_UNSET_SECRET");
  e = ParseError(
      "channels:\n  smtp:\n    url: smtp://x\n    from_address: a@b.cn\n"
      "    password: env:PINGAN_TEST_UNSET_SECRET\n");
  EXPECT_EQ(e.key, "channels.smtp.password");
  EXPECT_NE(e.message.find("PINGAN_TEST_UNSET_SECRET"), std::string::npos);
}

// Found by tests/fuzz/escalation_yaml_fuzz.cc: a list as a mapping key made yaml-cpp
// throw out of the loader (std::terminate in pingand --check-config).
TEST(EscalationConfig, AKeyThatIsNotTextIsAnErrorNotAnException) {
  LoadError e = ParseError("groups:\n  ? [a, b]\n  : []\n");
  EXPECT_EQ(e.line, 2);
  EXPECT_EQ(e.key, "groups");
  EXPECT_NE(e.message.find("plain text"), std::string::npos);
  e = ParseError(
      "channels:\n  sms:\n    url: https://sms.example.cn\n    headers:\n"
      "      ? {a: 1}\n      : x\n");
  EXPECT_EQ(e.key, "channels.sms.headers");
  EXPECT_NE(e.message.find("plain text"), std::string::npos);
}

TEST(EscalationConfig, PreparationChecksPoliciesAndTheRosterAgainstTheTree) {
  const SharedSchedule district = testing::MakeDistrict(2);
  EscalationSettings bad_unit = Parse(
      "policies:\n  - id: p\n    steps:\n      - notify: [{contact: duty_contact, unit: "
      "\"unit:nowhere\"}]\n");
  auto prepared = PrepareEscalation(std::move(bad_unit), district->tree, "Asia/Shanghai");
  ASSERT_TRUE(std::holds_alternative<LoadError>(prepared));
  EXPECT_NE(std::get<LoadError>(prepared).message.find("'p'"), std::string::npos);

  testing::TempDir dir;
  std::ofstream(dir.File("roster.csv")) << "unit_id,start,end,name,phone,email\n"
                                           "d1,2026-10-01 08:00,2026-10-01 20:00,张三,139,\n"
                                           "d9,2026-10-01 08:00,2026-10-01 20:00,李四,139,\n";
  EscalationSettings with_roster = Parse(kMinimal);
  with_roster.roster_file = dir.File("roster.csv");
  prepared = PrepareEscalation(std::move(with_roster), district->tree, "Asia/Shanghai");
  ASSERT_TRUE(std::holds_alternative<LoadError>(prepared));
  EXPECT_EQ(std::get<LoadError>(prepared).file, dir.File("roster.csv"));
  EXPECT_EQ(std::get<LoadError>(prepared).line, 3);
}

TEST(EscalationConfig, ChannelsNobodyConfiguredAreWarnedAboutAndFailPermanently) {
  auto prepared = PrepareEscalation(Parse(kMinimal), testing::MakeDistrict(1)->tree, "UTC");
  ASSERT_TRUE(std::holds_alternative<SharedEscalation>(prepared));
  const SharedEscalation setup = std::get<SharedEscalation>(prepared);
  // The step's e-mail, the leader rule's and the reminders' default SMS and e-mail.
  ASSERT_EQ(setup->warnings.size(), 5u);
  EXPECT_EQ(setup->warnings[0],
            "policy p step 1 uses email, which is not configured under channels:");
  EXPECT_EQ(setup->warnings[3],
            "channels.reminders uses sms, which is not configured under channels:");
  testing::FakeClock clock(testing::At(1, 8));
  auto dispatcher = MakeDispatcher(setup->settings, clock);
  notify::OutgoingMessage m;
  m.channel = core::ChannelKind::kEmail;
  EXPECT_EQ(dispatcher->Send(m).status, core::DeliveryStatus::kPermanentFailure);
}

}  // namespace
}  // namespace pingan::config

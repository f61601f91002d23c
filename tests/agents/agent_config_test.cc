#include "agents/agent_config.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "daemon/ingest/curve_keys.h"
#include "tests/fakes/source_root.h"
#include "tests/fakes/temp_dir.h"

namespace pingan::agent {
namespace {

namespace fs = std::filesystem;

AgentConfig Parsed(const std::string& yaml, const std::string& base_dir = "/etc/pingan") {
  auto parsed = ParseAgentConfig(yaml, "agent.yaml", base_dir);
  if (auto* e = std::get_if<AgentConfigError>(&parsed)) {
    ADD_FAILURE() << e->ToString();
    return {};
  }
  return std::get<AgentConfig>(parsed);
}

AgentConfigError Error(const std::string& yaml) {
  auto parsed = ParseAgentConfig(yaml, "agent.yaml", "/etc/pingan");
  if (!std::holds_alternative<AgentConfigError>(parsed)) {
    ADD_FAILURE() << "expected an error for:\n" << yaml;
    return {};
  }
  return std::get<AgentConfigError>(parsed);
}

TEST(AgentConfigTest, ReadsEverySetting) {
  const AgentConfig c = Parsed(R"(
school_id: sch-01
endpoints: [tcp://a.example:7450, "tcp://b.example:7450"]
server_public_key: keys/daemon.pub
key_file: school.key
spool_path: /var/lib/pingan-agent/spool.db
time_zone: Asia/Urumqi
ack_timeout: 1m30s
idle_close: 0
backoff: {min: 500ms, max: 2m, factor: 3}
max_in_flight: 16
keep_acked_days: 7
insecure_dev: true
)");
  EXPECT_EQ(c.school_id, "sch-01");
  EXPECT_EQ(c.endpoints,
            (std::vector<std::string>{"tcp://a.example:7450", "tcp://b.example:7450"}));
  // Relative paths are anchored at the config file's directory, absolute ones kept.
  EXPECT_EQ(c.server_public_key, "/etc/pingan/keys/daemon.pub");
  EXPECT_EQ(c.key_file, "/etc/pingan/school.key");
  EXPECT_EQ(c.spool_path, "/var/lib/pingan-agent/spool.db");
  EXPECT_EQ(c.time_zone, "Asia/Urumqi");
  EXPECT_EQ(c.ack_timeout, std::chrono::seconds{90});
  EXPECT_EQ(c.idle_close, core::Millis{0});
  EXPECT_EQ(c.backoff.min, core::Millis{500});
  EXPECT_EQ(c.backoff.max, std::chrono::minutes{2});
  EXPECT_EQ(c.backoff.factor, 3.0);
  EXPECT_EQ(c.max_in_flight, 16u);
  EXPECT_EQ(c.keep_acked_days, 7);
  EXPECT_TRUE(c.insecure_dev);
  EXPECT_EQ(c.source, "agent.yaml");
}

TEST(AgentConfigTest, Z85ServerKeyIsKeptAsText) {
  const std::string key = wire::GenerateCurveKeyPair().public_z85;
  EXPECT_EQ(Parsed("server_public_key: \"" + key + "\"\n").server_public_key, key);
}

TEST(AgentConfigTest, EmptyFileGivesDefaults) {
  const AgentConfig c = Parsed("");
  EXPECT_EQ(c.time_zone, "Asia/Shanghai");
  EXPECT_EQ(c.ack_timeout, std::chrono::seconds{10});
  EXPECT_EQ(c.max_in_flight, 64u);
  EXPECT_FALSE(c.insecure_dev);
}

TEST(AgentConfigTest, ErrorsNameLineAndKey) {
  auto e = Error("school_id: s1\nendpoint:\n  - tcp://a:1\n");
  EXPECT_EQ(e.line, 2);
  EXPECT_EQ(e.key, "endpoint");
  EXPECT_NE(e.message.find("not a known setting"), std::string::npos);
  EXPECT_EQ(e.ToString(), "agent.yaml:2: 'endpoint' is not a known setting");

  e = Error("school_id: s1\nbackoff:\n  min: 1s\n  mxa: 2m\n");
  EXPECT_EQ(e.line, 4);
  EXPECT_EQ(e.key, "backoff.mxa");

  e = Error("\n\nack_timeout: 10 parsecs\n");
  EXPECT_EQ(e.line, 3);
  EXPECT_EQ(e.key, "ack_timeout");
  EXPECT_NE(e.message.find("duration"), std::string::npos);

  e = Error("max_in_flight: many\n");
  EXPECT_EQ(e.line, 1);
  EXPECT_EQ(e.key, "max_in_flight");

  e = Error("insecure_dev: perhaps\n");
  EXPECT_EQ(e.key, "insecure_dev");

  e = Error("endpoints:\n  - tcp://a:1\n  - b.example:7450\n");
  EXPECT_EQ(e.line, 3);
  EXPECT_EQ(e.key, "endpoints");

  e = Error("endpoints: tcp://a:1\n");
  EXPECT_EQ(e.key, "endpoints");
  EXPECT_NE(e.message.find("list"), std::string::npos);
}

TEST(AgentConfigTest, ValuesAreChecked) {
  EXPECT_EQ(Error("school_id: \"bad id!\"\n").key, "school_id");
  auto e = Error("\ntime_zone: Mars/Olympus\n");
  EXPECT_EQ(e.key, "time_zone");
  EXPECT_EQ(e.line, 2);
  EXPECT_EQ(Error("backoff: {min: 1m, max: 1s}\n").key, "backoff");
  EXPECT_EQ(Error("backoff: {factor: 0.5}\n").key, "backoff");
  EXPECT_EQ(Error("ack_timeout: 0\n").key, "ack_timeout");
  EXPECT_EQ(Error("max_in_flight: 0\n").key, "max_in_flight");
  EXPECT_EQ(Error("keep_acked_days: 0\n").key, "keep_acked_days");
}

TEST(AgentConfigTest, BrokenYamlNamesTheLine) {
  auto e = Error("school_id: s1\nendpoints: [tcp://a:1\nkey_file: x\n");
  EXPECT_GT(e.line, 1);
  EXPECT_NE(e.message.find("YAML"), std::string::npos);
  e = Error("- just\n- a list\n");
  EXPECT_NE(e.message.find("mapping"), std::string::npos);
}

TEST(AgentConfigTest, MissingFileIsNamed) {
  auto loaded = LoadAgentConfig("/nonexistent/agent.yaml");
  ASSERT_TRUE(std::holds_alternative<AgentConfigError>(loaded));
  EXPECT_NE(std::get<AgentConfigError>(loaded).ToString().find("/nonexistent/agent.yaml"),
            std::string::npos);
}

TEST(AgentConfigTest, CommandLineOverridesTheFile) {
  AgentConfig c = Parsed("school_id: s1\nendpoints: [tcp://a:1]\nspool_path: spool.db\n");
  ConfigOverrides o;
  o.school_id = "s2";
  o.endpoints = {"tcp://b:1", "tcp://c:1"};
  o.insecure_dev = true;
  ApplyOverrides(c, o);
  EXPECT_EQ(c.school_id, "s2");
  EXPECT_EQ(c.endpoints.size(), 2u);
  EXPECT_EQ(c.spool_path, "/etc/pingan/spool.db");  // not overridden
  EXPECT_TRUE(c.insecure_dev);
}

TEST(AgentConfigTest, SenderOptionsComeFromKeyFiles) {
  testing::TempDir dir;
  const auto daemon = wire::GenerateCurveKeyPair();
  const auto school = wire::GenerateCurveKeyPair();
  ASSERT_TRUE(
      std::holds_alternative<std::monostate>(wire::WriteKeyPair(dir.File("daemon"), daemon)));
  ASSERT_TRUE(
      std::holds_alternative<std::monostate>(wire::WriteKeyPair(dir.File("school"), school)));
  {
    std::ofstream(dir.File("agent.yaml"))
        << "school_id: s1\nendpoints: [tcp://127.0.0.1:7450]\nserver_public_key: daemon.pub\n"
           "key_file: school.key\nack_timeout: 3s\n";
  }
  auto loaded = LoadAgentConfig(dir.File("agent.yaml"));
  ASSERT_TRUE(std::holds_alternative<AgentConfig>(loaded));
  AgentConfig config = std::get<AgentConfig>(loaded);
  auto options = MakeSenderOptions(config);
  ASSERT_TRUE(std::holds_alternative<SenderOptions>(options)) << std::get<std::string>(options);
  const auto& o = std::get<SenderOptions>(options);
  EXPECT_EQ(o.server_public_key, daemon.public_z85);
  EXPECT_EQ(o.client_keys.secret_z85, school.secret_z85);
  EXPECT_EQ(o.ack_timeout, std::chrono::seconds{3});

  config.key_file.clear();
  EXPECT_NE(std::get<std::string>(MakeSenderOptions(config)).find("keygen"), std::string::npos);
  config.key_file = dir.File("missing.key");
  EXPECT_NE(std::get<std::string>(MakeSenderOptions(config)).find("missing.key"),
            std::string::npos);
  config.insecure_dev = true;  // no keys needed
  EXPECT_TRUE(std::holds_alternative<SenderOptions>(MakeSenderOptions(config)));
  config.endpoints.clear();
  EXPECT_NE(std::get<std::string>(MakeSenderOptions(config)).find("endpoint"), std::string::npos);
}

TEST(AgentConfigTest, ReportingNeedsASchool) {
  AgentConfig c;
  EXPECT_NE(CheckReportingSettings(c).find("school_id"), std::string::npos);
  c.school_id = "s1";
  EXPECT_EQ(CheckReportingSettings(c), "");
  c.time_zone = "Nowhere/Town";
  EXPECT_NE(CheckReportingSettings(c), "");
}

TEST(AgentConfigTest, TheExampleFileIsValid) {
  // The commented sample shipped in deploy/ must load and match the defaults.
  const fs::path root = testing::SourceRoot();
  const fs::path sample = root / "deploy" / "agent.example.yaml";
  ASSERT_TRUE(fs::exists(sample)) << sample;
  auto loaded = LoadAgentConfig(sample.string());
  ASSERT_TRUE(std::holds_alternative<AgentConfig>(loaded))
      << std::get<AgentConfigError>(loaded).ToString();
  const AgentConfig& c = std::get<AgentConfig>(loaded);
  EXPECT_EQ(CheckReportingSettings(c), "");
  EXPECT_EQ(c.endpoints.size(), 2u);
  // The sample shows the defaults.
  const AgentConfig defaults;
  EXPECT_EQ(c.ack_timeout, defaults.ack_timeout);
  EXPECT_EQ(c.idle_close, defaults.idle_close);
  EXPECT_EQ(c.backoff.min, defaults.backoff.min);
  EXPECT_EQ(c.backoff.max, defaults.backoff.max);
  EXPECT_EQ(c.max_in_flight, defaults.max_in_flight);
  EXPECT_EQ(c.keep_acked_days, defaults.keep_acked_days);
  EXPECT_EQ(c.time_zone, defaults.time_zone);
}

}  // namespace
}  // namespace pingan::agent

#include "daemon/config/config.h"

#include <gtest/gtest.h>

#include <fstream>

#include "tests/fakes/temp_dir.h"

namespace pingan::config {
namespace {

ConfigError ErrorOf(const std::string& yaml) {
  auto result = ParseConfig(yaml, "test.yaml", DefaultConfig());
  EXPECT_TRUE(std::holds_alternative<ConfigError>(result)) << yaml;
  return std::holds_alternative<ConfigError>(result) ? std::get<ConfigError>(result)
                                                     : ConfigError{};
}

TEST(Config, EmbeddedDefaultParsesAndMatchesTheSampleFile) {
  const DaemonConfig config = DefaultConfig();
  EXPECT_EQ(config.listen, "tcp://127.0.0.1:7450");
  EXPECT_EQ(config.backlog, 4096) << "the architecture asks for a backlog of at least 4096";
  EXPECT_EQ(config.time_zone, "Asia/Shanghai");
  EXPECT_EQ(config.config_dir, config.data_dir);
  EXPECT_NE(std::string(kDefaultConfigYaml).find("school_keys"), std::string::npos);
}

TEST(Config, AFileOverlaysTheDefaults) {
  testing::TempDir dir;
  std::ofstream(dir.File("pingand.yaml")) << "listen: tcp://0.0.0.0:9000\n"
                                             "ingest:\n  backlog: 8192\n"
                                             "limits:\n  max_future_skew_seconds: 30\n";
  auto loaded = LoadConfigFile(dir.File("pingand.yaml"));
  ASSERT_TRUE(std::holds_alternative<DaemonConfig>(loaded))
      << std::get<ConfigError>(loaded).ToString();
  const DaemonConfig& c = std::get<DaemonConfig>(loaded);
  EXPECT_EQ(c.listen, "tcp://0.0.0.0:9000");
  EXPECT_EQ(c.backlog, 8192);
  EXPECT_EQ(c.max_pending, DefaultConfig().max_pending) << "untouched keys keep the default";
  EXPECT_EQ(c.limits.max_future_skew, std::chrono::seconds{30});
  EXPECT_EQ(c.config_dir, dir.path().string());
}

TEST(Config, PerSchoolRateIsGenerousByDefaultAndConfigurable) {
  const DaemonConfig defaults = DefaultConfig();
  EXPECT_EQ(defaults.per_school_rate.per_second, 20);
  EXPECT_EQ(defaults.per_school_rate.burst, 200);
  auto parsed = ParseConfig("ingest:\n  per_school_rate: 5\n  per_school_burst: 7\n", "test.yaml",
                            DefaultConfig());
  ASSERT_TRUE(std::holds_alternative<DaemonConfig>(parsed));
  EXPECT_EQ(std::get<DaemonConfig>(parsed).per_school_rate.per_second, 5);
  EXPECT_EQ(std::get<DaemonConfig>(parsed).per_school_rate.burst, 7);
  EXPECT_EQ(ErrorOf("ingest:\n  per_school_rate: 0\n").key, "ingest.per_school_rate");
  EXPECT_EQ(ErrorOf("ingest:\n  per_school_burst: many\n").key, "ingest.per_school_burst");
}

TEST(Config, ClockStepThresholdAndSettleTime) {
  const DaemonConfig defaults = DefaultConfig();
  EXPECT_EQ(defaults.monitoring.clock_step_seconds, 120);
  EXPECT_EQ(defaults.monitoring.clock_settle_minutes, 30);
  auto parsed = ParseConfig("monitoring:\n  clock_step_seconds: 30\n  clock_settle_minutes: 0\n",
                            "test.yaml", DefaultConfig());
  ASSERT_TRUE(std::holds_alternative<DaemonConfig>(parsed));
  EXPECT_EQ(std::get<DaemonConfig>(parsed).monitoring.clock_step_seconds, 30);
  EXPECT_EQ(std::get<DaemonConfig>(parsed).monitoring.clock_settle_minutes, 0) << "operator only";
  EXPECT_EQ(ErrorOf("monitoring:\n  clock_step_seconds: 0\n").key, "monitoring.clock_step_seconds");
  EXPECT_EQ(ErrorOf("monitoring:\n  clock_settle_minutes: -5\n").key,
            "monitoring.clock_settle_minutes");
}

TEST(Config, ErrorsNameFileLineAndKey) {
  ConfigError e = ErrorOf("listen: tcp://127.0.0.1:1\ningest:\n  backlogg: 10\n");
  EXPECT_EQ(e.file, "test.yaml");
  EXPECT_EQ(e.line, 3);
  EXPECT_EQ(e.key, "ingest.backlogg");
  EXPECT_NE(e.ToString().find("test.yaml:3: ingest.backlogg: not a known setting"),
            std::string::npos);

  e = ErrorOf("ingest:\n  backlog: lots\n");
  EXPECT_EQ(e.line, 2);
  EXPECT_EQ(e.key, "ingest.backlog");

  e = ErrorOf("ingest:\n  backlog: -5\n");
  EXPECT_NE(e.message.find("positive"), std::string::npos);

  e = ErrorOf("listen: 7450\n");
  EXPECT_EQ(e.key, "listen");

  // Found by tests/fuzz/config_yaml_fuzz.cc: a list as a key threw out of ParseConfig.
  e = ErrorOf("ingest:\n  ? [backlog]\n  : 10\n");
  EXPECT_EQ(e.line, 2);
  EXPECT_EQ(e.key, "ingest");
  EXPECT_NE(e.message.find("plain text"), std::string::npos);
  EXPECT_EQ(ErrorOf("? [a]\n: 1\n").line, 1);

  // Found by tests/fuzz/config_yaml_fuzz.cc: a tagged empty time zone was accepted.
  e = ErrorOf("\xef\xbb\xbftime_zone: !as/iSzonghia\n");
  EXPECT_EQ(e.key, "time_zone");

  e = ErrorOf("log_level: loud\n");
  EXPECT_EQ(e.key, "log_level");

  e = ErrorOf("curve: [1, 2\n");
  EXPECT_NE(e.message.find("not valid YAML"), std::string::npos);
}

TEST(Config, HttpConnectionCapsAndTrustedProxies) {
  auto parsed = ParseConfig(
      "http:\n  max_connections: 100\n  max_connections_per_address: 8\n"
      "  trusted_proxies: [127.0.0.1, \"10.0.0.0/8\", \"::1\"]\n",
      "test.yaml", DefaultConfig());
  ASSERT_TRUE(std::holds_alternative<DaemonConfig>(parsed))
      << std::get<ConfigError>(parsed).ToString();
  const HttpSettings& h = std::get<DaemonConfig>(parsed).http;
  EXPECT_EQ(h.max_connections, 100);
  EXPECT_EQ(h.max_connections_per_address, 8);
  EXPECT_EQ(h.trusted_proxies, (std::vector<std::string>{"127.0.0.1", "10.0.0.0/8", "::1"}));
  EXPECT_TRUE(DefaultConfig().http.trusted_proxies.empty()) << "no proxy trusted by default";

  ConfigError e = ErrorOf("http:\n  trusted_proxies: [127.0.0.1, proxy.example]\n");
  EXPECT_EQ(e.key, "http.trusted_proxies");
  EXPECT_EQ(e.line, 2);
  EXPECT_NE(e.message.find("'proxy.example'"), std::string::npos) << e.message;
  EXPECT_EQ(ErrorOf("http:\n  max_connections: 0\n").key, "http.max_connections");
}

TEST(Config, MissingFileIsAnError) {
  auto loaded = LoadConfigFile("/nonexistent/pingand.yaml");
  ASSERT_TRUE(std::holds_alternative<ConfigError>(loaded));
  EXPECT_NE(std::get<ConfigError>(loaded).ToString().find("cannot be read"), std::string::npos);
}

}  // namespace
}  // namespace pingan::config

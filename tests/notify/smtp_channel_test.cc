// SmtpChannel against a real SMTP server (aiosmtpd) on loopback.
#include "daemon/notify/smtp_channel.h"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <date/date.h>

#include "daemon/notify/mime.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/source_root.h"
#include "tests/notify/test_peers.h"

namespace pingan::notify {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

core::Instant Oct3() {
  using namespace date;
  return core::Instant{sys_days{2024_y / October / 3} + std::chrono::hours{8}};
}

class SmtpChannelTest : public ::testing::Test {
 protected:
  void StartSink(std::vector<std::string> extra = {}) {
    out_ = fs::temp_directory_path() /
           ("pingan-smtp-" + std::to_string(::getpid()) + "-" + std::to_string(++counter_));
    fs::create_directories(out_);
    port_ = testing::FreeLoopbackPort();
    const std::string script =
        (testing::SourceRoot() / "tests" / "notify" / "smtp_sink.py").string();
    std::vector<std::string> argv = {testing::TestPython(), script,  "--port",
                                     std::to_string(port_), "--out", out_.string()};
    argv.insert(argv.end(), extra.begin(), extra.end());
    sink_ = std::make_unique<testing::ChildProcess>(argv);
    ASSERT_TRUE(testing::WaitForPort(port_))
        << "the aiosmtpd sink did not start (python3-aiosmtpd installed?)";
  }

  void TearDown() override {
    sink_.reset();  // SIGTERM, bounded wait, SIGKILL
    if (!out_.empty()) fs::remove_all(out_);
  }

  SmtpConfig Config() const {
    SmtpConfig c;
    c.url = "smtp://127.0.0.1:" + std::to_string(port_);
    c.starttls = SmtpConfig::Tls::kNone;  // loopback test peer without TLS
    c.from_address = "noreply@pingan.example.cn";
    c.connect_timeout = 2s;
    c.timeout = 5s;
    return c;
  }

  OutgoingMessage Message(std::string to) const {
    OutgoingMessage m;
    m.channel = core::ChannelKind::kEmail;
    m.recipient = core::Recipient{"王五", "", std::move(to), ""};
    m.idempotency_key = "m-s01/0/0/alert/mailto:wang/email";
    m.content.email.subject = "区教育局: 37 所学校未按时报平安 (10月3日 16:00 截止)";
    m.content.email.body = "王五，您好：\n\n区教育局: 37 所学校未按时报平安。\n  - 第1中学\n";
    return m;
  }

  // The single message the sink wrote, parsed by Python's email package.
  nlohmann::json Received() const {
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(out_)) {
      if (e.path().filename().string().starts_with("msg-")) files.push_back(e.path());
    }
    EXPECT_EQ(files.size(), 1u);
    if (files.empty()) return {};
    std::ifstream in(files[0]);
    return nlohmann::json::parse(in);
  }

  testing::FakeClock clock_{Oct3()};
  fs::path out_;
  int port_ = 0;
  std::unique_ptr<testing::ChildProcess> sink_;
  static inline int counter_ = 0;
};

TEST_F(SmtpChannelTest, DeliversChineseMessageWithProperMime) {
  StartSink();
  SmtpChannel channel(Config(), clock_);
  const OutgoingMessage m = Message("wang@school.example.cn");
  const auto result = channel.Send(m);
  ASSERT_EQ(result.status, core::DeliveryStatus::kDelivered) << result.reason;

  const nlohmann::json got = Received();
  EXPECT_EQ(got["mail_from"], "noreply@pingan.example.cn");
  EXPECT_EQ(got["rcpt_tos"], nlohmann::json::array({"wang@school.example.cn"}));
  EXPECT_EQ(got["subject"], m.content.email.subject);
  EXPECT_EQ(got["content_type"], "text/plain");
  EXPECT_EQ(got["charset"], "utf-8");
  EXPECT_EQ(got["cte"], "base64");
  EXPECT_EQ(got["from"], "平安校园 <noreply@pingan.example.cn>");
  EXPECT_EQ(got["to"], "王五 <wang@school.example.cn>");
  EXPECT_EQ(got["date"], "Thu, 03 Oct 2024 08:00:00 +0000");
  EXPECT_EQ(got["message_id"], "<" + MessageIdFor(m.idempotency_key, "pingan.example.cn") + ">");
  // The body travels in canonical CRLF form; otherwise it is exactly what was sent.
  std::string body = got["body"].get<std::string>();
  for (size_t p = body.find("\r\n"); p != std::string::npos; p = body.find("\r\n", p)) {
    body.erase(p, 1);
  }
  EXPECT_EQ(body, m.content.email.body);
  EXPECT_TRUE(got["defects"].empty()) << got["defects"].dump();
  bool encoded_subject = false;
  for (const auto& line : got["raw_header_lines"]) {
    const std::string l = line.get<std::string>();
    EXPECT_LE(l.size(), 78u) << l;
    encoded_subject = encoded_subject || l.find("=?UTF-8?B?") != std::string::npos;
  }
  EXPECT_TRUE(encoded_subject);
}

TEST_F(SmtpChannelTest, RejectedRecipientIsPermanent) {
  StartSink();
  SmtpChannel channel(Config(), clock_);
  const auto result = channel.Send(Message("reject-me@school.example.cn"));
  EXPECT_EQ(result.status, core::DeliveryStatus::kPermanentFailure) << result.reason;
  EXPECT_NE(result.reason.find("550"), std::string::npos) << result.reason;
}

TEST_F(SmtpChannelTest, DeferredRecipientIsTransient) {
  StartSink();
  SmtpChannel channel(Config(), clock_);
  const auto result = channel.Send(Message("busy@school.example.cn"));
  EXPECT_EQ(result.status, core::DeliveryStatus::kTransientFailure) << result.reason;
}

TEST_F(SmtpChannelTest, AuthenticatesWithUserAndPassword) {
  StartSink({"--user", "pingan", "--password", "s3cret-pw"});
  SmtpConfig good = Config();
  good.username = "pingan";
  good.password = "s3cret-pw";
  const auto ok = SmtpChannel(good, clock_).Send(Message("wang@school.example.cn"));
  EXPECT_EQ(ok.status, core::DeliveryStatus::kDelivered) << ok.reason;

  SmtpConfig bad = good;
  bad.password = "wrong-pw";
  const auto refused = SmtpChannel(bad, clock_).Send(Message("wang@school.example.cn"));
  EXPECT_EQ(refused.status, core::DeliveryStatus::kPermanentFailure) << refused.reason;
  EXPECT_EQ(refused.reason.find("wrong-pw"), std::string::npos);
}

TEST_F(SmtpChannelTest, NoServerIsTransient) {
  port_ = testing::FreeLoopbackPort();  // nothing listens there
  SmtpChannel channel(Config(), clock_);
  const auto result = channel.Send(Message("wang@school.example.cn"));
  EXPECT_EQ(result.status, core::DeliveryStatus::kTransientFailure) << result.reason;
}

TEST_F(SmtpChannelTest, UnusableAddressIsPermanentWithoutConnecting) {
  port_ = testing::FreeLoopbackPort();
  SmtpChannel channel(Config(), clock_);
  EXPECT_EQ(channel.Send(Message("")).status, core::DeliveryStatus::kPermanentFailure);
  EXPECT_EQ(channel.Send(Message("a@b.cn>\r\nRCPT TO:<c@d.cn")).status,
            core::DeliveryStatus::kPermanentFailure);
}

}  // namespace
}  // namespace pingan::notify

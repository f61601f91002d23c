// SMS gateway and webhook channels against a real HTTP server on loopback.
#include <chrono>

#include <gtest/gtest.h>
#include <sodium.h>
#include <nlohmann/json.hpp>

#include <date/date.h>

#include "daemon/notify/sms_gateway_channel.h"
#include "daemon/notify/webhook_channel.h"
#include "tests/fakes/fake_clock.h"
#include "tests/notify/test_peers.h"
#include "tests/notify/webhook_schema.h"

namespace pingan::notify {
namespace {

using namespace std::chrono_literals;
using testing::ScriptedResponse;

core::Instant Oct3() {
  using namespace date;
  return core::Instant{sys_days{2024_y / October / 3} + std::chrono::hours{8}};
}

std::string PercentDecode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += s[i] == '+' ? ' ' : s[i];
    }
  }
  return out;
}

OutgoingMessage Sms() {
  OutgoingMessage m;
  m.channel = core::ChannelKind::kSms;
  m.recipient = core::Recipient{"王五", "+8613800000001", "", ""};
  m.idempotency_key = "m-s01/0/0/alert/tel:+8613800000001/sms";
  m.content.sms = "【平安校园】区教育局: \"第1中学\"未按时报平安\n详情: https://x.cn/alerts/m-s01";
  return m;
}

class HttpChannelsTest : public ::testing::Test {
 protected:
  SmsGatewayConfig Gateway() const {
    SmsGatewayConfig c;
    c.url = server_.Url("/sms/send?to={phone}");
    c.headers = {{"Authorization", "Bearer gateway-secret-token"}};
    c.body_template = R"({"mobile":"{phone}","content":"{text}","ref":"{key}"})";
    c.success_json_field = "result.code";
    c.success_json_value = "0";
    c.connect_timeout = 1s;
    c.timeout = 3s;
    return c;
  }

  testing::FakeClock clock_{Oct3()};
  testing::TestHttpServer server_;
};

TEST_F(HttpChannelsTest, SmsGatewayGetsTheTemplatedRequest) {
  ASSERT_NE(server_.port(), 0);
  server_.Respond({200, {}, R"({"result":{"code":0,"msgid":"x1"}})"});
  SmsGatewayChannel channel(Gateway(), clock_);
  const auto result = channel.Send(Sms());
  ASSERT_EQ(result.status, core::DeliveryStatus::kDelivered) << result.reason;
  const auto reqs = server_.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].method, "POST");
  EXPECT_EQ(reqs[0].target, "/sms/send?to=%2B8613800000001");
  EXPECT_EQ(reqs[0].Header("Authorization"), "Bearer gateway-secret-token");
  EXPECT_EQ(reqs[0].Header("Content-Type"), "application/json; charset=utf-8");
  const auto body = nlohmann::json::parse(reqs[0].body);
  EXPECT_EQ(body["mobile"], "+8613800000001");
  EXPECT_EQ(body["content"], Sms().content.sms);
  EXPECT_EQ(body["ref"], Sms().idempotency_key);
}

TEST_F(HttpChannelsTest, SmsGatewayFormEncoding) {
  SmsGatewayConfig c = Gateway();
  c.url = server_.Url("/send");
  c.body_template = "to={phone}&msg={text}";
  c.body_encoding = BodyEncoding::kForm;
  c.success_json_field.clear();
  const auto result = SmsGatewayChannel(c, clock_).Send(Sms());
  ASSERT_EQ(result.status, core::DeliveryStatus::kDelivered) << result.reason;
  const auto req = server_.requests().at(0);
  EXPECT_EQ(req.Header("Content-Type"), "application/x-www-form-urlencoded");
  const auto amp = req.body.find('&');
  EXPECT_EQ(PercentDecode(req.body.substr(3, amp - 3)), "+8613800000001");
  EXPECT_EQ(PercentDecode(req.body.substr(amp + 5)), Sms().content.sms);
}

TEST_F(HttpChannelsTest, ServerErrorIsTransientAndReasonHasNoSecrets) {
  server_.Respond({500, {}, "oops"});
  const auto result = SmsGatewayChannel(Gateway(), clock_).Send(Sms());
  EXPECT_EQ(result.status, core::DeliveryStatus::kTransientFailure);
  EXPECT_NE(result.reason.find("500"), std::string::npos) << result.reason;
  EXPECT_EQ(result.reason.find("gateway-secret-token"), std::string::npos);
  EXPECT_EQ(result.reason.find("8613800000001"), std::string::npos);
}

TEST_F(HttpChannelsTest, BadRequestIsPermanent) {
  server_.Respond({400, {}, R"({"error":"bad number"})"});
  const auto result = SmsGatewayChannel(Gateway(), clock_).Send(Sms());
  EXPECT_EQ(result.status, core::DeliveryStatus::kPermanentFailure) << result.reason;
}

TEST_F(HttpChannelsTest, TooManyRequestsHonoursRetryAfter) {
  server_.Respond({429, {{"Retry-After", "7"}}, ""});
  server_.Respond({503, {{"Retry-After", "Thu, 03 Oct 2024 08:01:30 GMT"}}, ""});
  SmsGatewayChannel channel(Gateway(), clock_);
  const auto seconds = channel.Send(Sms());
  EXPECT_EQ(seconds.status, core::DeliveryStatus::kTransientFailure);
  EXPECT_EQ(seconds.retry_after, 7s);
  const auto date = channel.Send(Sms());
  EXPECT_EQ(date.status, core::DeliveryStatus::kTransientFailure);
  EXPECT_EQ(date.retry_after, 90s);  // the fake clock reads 08:00:00
}

TEST_F(HttpChannelsTest, GatewayRefusalInJsonIsPermanent) {
  server_.Respond({200, {}, R"({"result":{"code":"InvalidMobile"}})"});
  const auto result = SmsGatewayChannel(Gateway(), clock_).Send(Sms());
  EXPECT_EQ(result.status, core::DeliveryStatus::kPermanentFailure);
  EXPECT_NE(result.reason.find("InvalidMobile"), std::string::npos);
}

TEST_F(HttpChannelsTest, HangingServerTimesOutAsTransient) {
  server_.Respond({200, {}, "", /*hang=*/true});
  SmsGatewayConfig c = Gateway();
  c.timeout = 300ms;
  const auto start = std::chrono::steady_clock::now();
  const auto result = SmsGatewayChannel(c, clock_).Send(Sms());
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
  EXPECT_EQ(result.status, core::DeliveryStatus::kTransientFailure) << result.reason;
}

TEST_F(HttpChannelsTest, NobodyListeningIsTransient) {
  SmsGatewayConfig c = Gateway();
  c.url = "http://127.0.0.1:" + std::to_string(testing::FreeLoopbackPort()) + "/send";
  const auto result = SmsGatewayChannel(c, clock_).Send(Sms());
  EXPECT_EQ(result.status, core::DeliveryStatus::kTransientFailure) << result.reason;
}

OutgoingMessage Hook(std::string endpoint) {
  OutgoingMessage m;
  m.channel = core::ChannelKind::kWebhook;
  m.recipient = core::Recipient{"值班大屏", "", "", std::move(endpoint)};
  m.idempotency_key = "group-0123456789abcdef/alert/hook:duty-screen/webhook";
  core::WebhookFields& f = m.content.webhook;
  f.event = "alert";
  f.alert_kind = "missing";
  f.alert_ids = {"m-s01", "m-s02"};
  f.school_ids = {"s01", "s02"};
  f.school_names = {"第1中学", "第2中学"};
  f.count = 2;
  f.requirement_id = "daily";
  f.window_id = "2024-10-03";
  f.deadline = "2024-10-03T08:00:00Z";
  f.console_link = "https://pingan.example.cn/alerts?requirement=daily&window=2024-10-03";
  f.text = "区教育局: 2 所学校未按时报平安";
  return m;
}

WebhookEndpoint Endpoint(const testing::TestHttpServer& server) {
  WebhookEndpoint e;
  e.name = "duty-screen";
  e.url = server.Url("/hooks/pingan");
  e.secret = "shared-webhook-secret";
  e.connect_timeout = 1s;
  e.timeout = 3s;
  return e;
}

TEST_F(HttpChannelsTest, WebhookPostsSignedJson) {
  WebhookChannel channel({Endpoint(server_)}, clock_);
  const OutgoingMessage m = Hook("duty-screen");
  const auto result = channel.Send(m);
  ASSERT_EQ(result.status, core::DeliveryStatus::kDelivered) << result.reason;
  const auto req = server_.requests().at(0);
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.target, "/hooks/pingan");
  EXPECT_EQ(req.Header("Idempotency-Key"), m.idempotency_key);
  EXPECT_EQ(req.Header("Content-Type"), "application/json; charset=utf-8");

  // The receiver's check: HMAC-SHA256 over the exact body bytes with the shared secret.
  const std::string secret = "shared-webhook-secret";
  const std::string sig = req.Header("X-Pingan-Signature");
  ASSERT_TRUE(sig.starts_with("sha256=")) << sig;
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  ASSERT_EQ(
      sodium_hex2bin(mac, sizeof mac, sig.data() + 7, sig.size() - 7, nullptr, nullptr, nullptr),
      0);
  crypto_auth_hmacsha256_state st;
  unsigned char expected[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>(secret.data()),
                              secret.size());
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(req.body.data()),
                                req.body.size());
  crypto_auth_hmacsha256_final(&st, expected);
  EXPECT_EQ(sodium_memcmp(mac, expected, sizeof mac), 0);

  const auto body = nlohmann::json::parse(req.body);
  EXPECT_EQ(body["event"], "alert");
  EXPECT_EQ(body["alert_kind"], "missing");
  EXPECT_EQ(body["alert_ids"], nlohmann::json::array({"m-s01", "m-s02"}));
  EXPECT_EQ(body["schools"][0]["name"], "第1中学");
  EXPECT_EQ(body["count"], 2);
  EXPECT_EQ(body["console_link"], m.content.webhook.console_link);
  EXPECT_EQ(body["sent_at"], "2024-10-03T08:00:00Z");
}

// docs/webhook.schema.json documents the body: a missing-report body, an incident body
// and a resolved one all fit it, and nothing in them is undocumented.
TEST_F(HttpChannelsTest, WebhookBodiesFitTheDocumentedSchema) {
  const nlohmann::json schema = testing::WebhookSchema();
  core::WebhookFields missing = Hook("x").content.webhook;
  core::WebhookFields incident = missing;
  incident.alert_kind = "incident";
  incident.severity = "II";
  incident.incident = core::IncidentFacts{core::IncidentCategory::kFoodSafety, 12, 0, 1};
  incident.needs_leader_attention = true;
  incident.requirement_id = incident.window_id = incident.deadline = "";
  core::WebhookFields resolved = missing;
  resolved.event = "resolved";
  resolved.resolve_reason = "late_report_received";
  resolved.console_link = "";
  for (const core::WebhookFields& f : {missing, incident, resolved}) {
    const auto body = nlohmann::json::parse(WebhookBody(f, "key/webhook", clock_.Now()));
    EXPECT_EQ(testing::SchemaProblems(schema, body), std::vector<std::string>{}) << body.dump();
  }
  const auto with_counts = nlohmann::json::parse(WebhookBody(incident, "k", clock_.Now()));
  EXPECT_EQ(
      with_counts["incident"],
      (nlohmann::json{{"category", "food_safety"}, {"injured", 12}, {"dead", 0}, {"missing", 1}}));
  // The checker itself catches drift.
  auto broken = with_counts;
  broken["incident"]["dead"] = "none";
  broken["undocumented"] = 1;
  EXPECT_EQ(testing::SchemaProblems(schema, broken).size(), 2u);
}

TEST_F(HttpChannelsTest, UnsignedWebhookHasNoSignatureHeader) {
  WebhookEndpoint e = Endpoint(server_);
  e.secret.clear();
  ASSERT_EQ(WebhookChannel({e}, clock_).Send(Hook("duty-screen")).status,
            core::DeliveryStatus::kDelivered);
  EXPECT_EQ(server_.requests().at(0).Header("X-Pingan-Signature"), "");
}

TEST_F(HttpChannelsTest, WebhookFailures) {
  WebhookChannel channel({Endpoint(server_)}, clock_);
  server_.Respond({503, {}, ""});
  EXPECT_EQ(channel.Send(Hook("duty-screen")).status, core::DeliveryStatus::kTransientFailure);
  server_.Respond({404, {}, ""});
  EXPECT_EQ(channel.Send(Hook("duty-screen")).status, core::DeliveryStatus::kPermanentFailure);
  const auto unknown = channel.Send(Hook("nowhere"));
  EXPECT_EQ(unknown.status, core::DeliveryStatus::kPermanentFailure);
  EXPECT_EQ(server_.requests().size(), 2u);  // the unknown endpoint was never contacted
}

TEST_F(HttpChannelsTest, DispatcherRoutesByChannelKind) {
  Dispatcher dispatcher;
  dispatcher.Register(
      core::ChannelKind::kWebhook,
      std::make_shared<WebhookChannel>(std::vector<WebhookEndpoint>{Endpoint(server_)}, clock_));
  EXPECT_EQ(dispatcher.Send(Hook("duty-screen")).status, core::DeliveryStatus::kDelivered);
  const auto sms = dispatcher.Send(Sms());
  EXPECT_EQ(sms.status, core::DeliveryStatus::kPermanentFailure);
  EXPECT_NE(sms.reason.find("sms"), std::string::npos);
}

}  // namespace
}  // namespace pingan::notify

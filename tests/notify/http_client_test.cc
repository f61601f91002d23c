// Pure parts of the HTTP channels: Retry-After, templates, success rules, signatures.
#include "daemon/notify/http_client.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <date/date.h>

#include "daemon/notify/sms_gateway_channel.h"
#include "daemon/notify/webhook_channel.h"

namespace pingan::notify {
namespace {

using namespace std::chrono_literals;

core::Instant At(int h, int m, int s) {
  using namespace date;
  return core::Instant{sys_days{2015_y / October / 21} + std::chrono::hours{h} +
                       std::chrono::minutes{m} + std::chrono::seconds{s}};
}

TEST(HttpClientTest, RetryAfterSecondsAndDates) {
  EXPECT_EQ(ParseRetryAfter("120", At(7, 0, 0)), 120s);
  EXPECT_EQ(ParseRetryAfter(" 0 ", At(7, 0, 0)), 0s);
  EXPECT_EQ(ParseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT", At(7, 27, 30)), 30s);
  EXPECT_EQ(ParseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT", At(8, 0, 0)), 0s);  // past
  EXPECT_FALSE(ParseRetryAfter("soon", At(7, 0, 0)).has_value());
  EXPECT_FALSE(ParseRetryAfter("-5", At(7, 0, 0)).has_value());
  EXPECT_FALSE(ParseRetryAfter("99999999999999", At(7, 0, 0)).has_value());
}

TEST(HttpClientTest, HeadersAreCaseInsensitive) {
  const Headers h = {{"retry-after", "5"}, {"X-Other", "1"}};
  EXPECT_EQ(FindHeader(h, "Retry-After"), "5");
  EXPECT_FALSE(FindHeader(h, "Missing").has_value());
}

TEST(HttpClientTest, StatusesMapToDeliveryResults) {
  const auto now = At(7, 0, 0);
  EXPECT_EQ(ResultFromHttp(HttpResponse{204, {}, ""}, "gw", now).status,
            core::DeliveryStatus::kDelivered);
  EXPECT_EQ(ResultFromHttp(HttpResponse{400, {}, ""}, "gw", now).status,
            core::DeliveryStatus::kPermanentFailure);
  const auto limited = ResultFromHttp(HttpResponse{429, {{"Retry-After", "7"}}, ""}, "gw", now);
  EXPECT_EQ(limited.status, core::DeliveryStatus::kTransientFailure);
  EXPECT_EQ(limited.retry_after, 7s);
  EXPECT_EQ(ResultFromHttp(HttpTransportError{7, "Failed to connect", true}, "gw", now).status,
            core::DeliveryStatus::kTransientFailure);
  EXPECT_EQ(ResultFromHttp(HttpTransportError{3, "URL malformed", false}, "gw", now).status,
            core::DeliveryStatus::kPermanentFailure);
}

TEST(SmsTemplateTest, PlaceholdersAreEscapedAsDeclared) {
  const TemplateValues v{"+8613800000001", "区教育局: \"一中\"\n未报", "k/1"};
  const std::string json =
      FillTemplate(R"({"to":"{phone}","msg":"{text}","ref":"{key}"})", v, BodyEncoding::kJson);
  const auto doc = nlohmann::json::parse(json);
  EXPECT_EQ(doc["to"], v.phone);
  EXPECT_EQ(doc["msg"], v.text);
  EXPECT_EQ(doc["ref"], v.key);
  EXPECT_EQ(FillTemplate("to={phone}&msg={text}", {"+86 1", "a&b=c", ""}, BodyEncoding::kForm),
            "to=%2B86%201&msg=a%26b%3Dc");
  EXPECT_EQ(FillTemplate("{unknown}", v, BodyEncoding::kRaw), "{unknown}");
}

TEST(SmsTemplateTest, ConfigValidation) {
  SmsGatewayConfig c;
  c.url = "https://sms.example.cn/send";
  c.body_template = R"({"to":"{phone}","msg":"{text}"})";
  EXPECT_FALSE(ValidateSmsGatewayConfig(c).has_value());
  c.body_template = R"({"to":"{fone}"})";
  EXPECT_NE(ValidateSmsGatewayConfig(c)->find("{fone}"), std::string::npos);
  c.body_template.clear();
  c.url = "ftp://x";
  EXPECT_TRUE(ValidateSmsGatewayConfig(c).has_value());
  c.url = "http://x";
  c.method = "DELETE";
  EXPECT_TRUE(ValidateSmsGatewayConfig(c).has_value());
}

TEST(SmsTemplateTest, JsonSuccessRule) {
  SmsGatewayConfig c;
  c.success_json_field = "result.code";
  c.success_json_value = "0";
  const auto now = At(7, 0, 0);
  EXPECT_EQ(JudgeGatewayAnswer(c, HttpResponse{200, {}, R"({"result":{"code":0}})"}, now).status,
            core::DeliveryStatus::kDelivered);
  const auto refused =
      JudgeGatewayAnswer(c, HttpResponse{200, {}, R"({"result":{"code":"InvalidMobile"}})"}, now);
  EXPECT_EQ(refused.status, core::DeliveryStatus::kPermanentFailure);
  EXPECT_NE(refused.reason.find("InvalidMobile"), std::string::npos);
  EXPECT_EQ(JudgeGatewayAnswer(c, HttpResponse{200, {}, "<html>"}, now).status,
            core::DeliveryStatus::kTransientFailure);
  c.success_status_min = c.success_status_max = 201;
  EXPECT_EQ(JudgeGatewayAnswer(c, HttpResponse{200, {}, R"({"result":{"code":0}})"}, now).status,
            core::DeliveryStatus::kPermanentFailure);
}

TEST(WebhookSignatureTest, MatchesRfc4231Vectors) {
  // Test case 1: 20 bytes of 0x0b, "Hi There".
  EXPECT_EQ(SignBody(std::string(20, '\x0b'), "Hi There"),
            "sha256=b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  // Test case 2: key "Jefe" (shorter than 32 bytes).
  EXPECT_EQ(SignBody("Jefe", "what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // Test case 6: a 131-byte key (longer than the block size) is hashed first.
  EXPECT_EQ(
      SignBody(std::string(131, '\xaa'), "Test Using Larger Than Block-Size Key - Hash Key First"),
      "sha256=60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(WebhookBodyTest, CarriesTheFieldsAsJson) {
  core::WebhookFields f;
  f.event = "alert";
  f.alert_kind = "missing";
  f.alert_ids = {"a1", "a2"};
  f.school_ids = {"s01", "s02"};
  f.school_names = {"第1中学", "第2中学"};
  f.count = 2;
  f.console_link = "https://pingan.example.cn/alerts?window=w";
  const auto doc = nlohmann::json::parse(WebhookBody(f, "key-1", At(7, 0, 0)));
  EXPECT_EQ(doc["event"], "alert");
  EXPECT_EQ(doc["count"], 2);
  EXPECT_EQ(doc["schools"][1]["name"], "第2中学");
  EXPECT_TRUE(doc["severity"].is_null());
  EXPECT_EQ(doc["idempotency_key"], "key-1");
  EXPECT_EQ(doc["sent_at"], "2015-10-21T07:00:00Z");
}

}  // namespace
}  // namespace pingan::notify

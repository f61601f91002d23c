#include "daemon/notify/mime.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <date/date.h>

namespace pingan::notify {
namespace {

std::string Base64Decode(std::string_view b64) {
  std::string out(b64.size(), '\0');
  size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), b64.data(),
                        b64.size(), "\r\n", &len, nullptr, sodium_base64_VARIANT_ORIGINAL) != 0) {
    ADD_FAILURE() << "bad base64: " << b64;
  }
  out.resize(len);
  return out;
}

// Decodes a header made of "=?UTF-8?B?...?=" words folded with CRLF SP.
std::string DecodeWords(std::string_view header) {
  std::string out;
  size_t pos = 0;
  while ((pos = header.find("=?UTF-8?B?", pos)) != std::string_view::npos) {
    const size_t start = pos + 10;
    const size_t end = header.find("?=", start);
    out += Base64Decode(header.substr(start, end - start));
    pos = end + 2;
  }
  return out;
}

TEST(MimeTest, Base64MatchesRfc4648Vectors) {
  EXPECT_EQ(Base64Encode(""), "");
  EXPECT_EQ(Base64Encode("f"), "Zg==");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_EQ(Base64Encode("foo"), "Zm9v");
  EXPECT_EQ(Base64Encode("foob"), "Zm9vYg==");
  EXPECT_EQ(Base64Encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(Base64Encode("foobar"), "Zm9vYmFy");
  const std::string wrapped = Base64Encode(std::string(200, 'x'), 76);
  EXPECT_EQ(wrapped.find("\r\n"), 76u);
  EXPECT_EQ(Base64Decode(wrapped), std::string(200, 'x'));
}

TEST(MimeTest, ChineseSubjectBecomesShortEncodedWords) {
  std::string subject;
  for (int i = 0; i < 20; ++i) subject += "区教育局: 37 所学校未按时报平安 ";
  const std::string encoded = EncodeHeaderText(subject);
  EXPECT_EQ(DecodeWords(encoded), subject);  // split only on character boundaries
  size_t start = 0;
  while (start < encoded.size()) {
    size_t end = encoded.find("\r\n ", start);
    if (end == std::string::npos) end = encoded.size();
    EXPECT_LE(end - start, 64u);
    start = end + 3;
  }
}

TEST(MimeTest, PlainAsciiStaysReadableAndLineBreaksAreDropped) {
  EXPECT_EQ(EncodeHeaderText("Daily all-clear missing"), "Daily all-clear missing");
  const std::string injected = EncodeHeaderText("hello\r\nBcc: victim@example.cn");
  EXPECT_EQ(injected.find('\n'), std::string::npos);
  EXPECT_EQ(injected.find('\r'), std::string::npos);
}

TEST(MimeTest, DatesAreRfc5322) {
  using namespace date;
  const core::Instant t{sys_days{2024_y / October / 3} + std::chrono::hours{8}};
  EXPECT_EQ(Rfc5322Date(t), "Thu, 03 Oct 2024 08:00:00 +0000");
}

TEST(MimeTest, AddressesAreChecked) {
  EXPECT_TRUE(IsSafeAddress("duty@example.cn"));
  EXPECT_FALSE(IsSafeAddress("duty@"));
  EXPECT_FALSE(IsSafeAddress("@example.cn"));
  EXPECT_FALSE(IsSafeAddress("a b@example.cn"));
  EXPECT_FALSE(IsSafeAddress("a@example.cn>\r\nRCPT TO:<b@example.cn"));
}

TEST(MimeTest, MessageHasHeadersAndBase64Body) {
  EmailMessage m;
  m.from_name = "平安校园";
  m.from_address = "noreply@example.cn";
  m.to_name = "王五";
  m.to_address = "wang@example.cn";
  m.subject = "区教育局: 第一中学未按时报平安";
  m.body = "王五，您好：\n\n第一中学未按时报平安。\n";
  m.message_id = MessageIdFor("a1/0/0/alert/tel:1/email", "example.cn");
  const std::string text = BuildEmail(m);
  const size_t split = text.find("\r\n\r\n");
  ASSERT_NE(split, std::string::npos);
  const std::string head = text.substr(0, split + 2);
  EXPECT_NE(head.find("Content-Type: text/plain; charset=UTF-8\r\n"), std::string::npos);
  EXPECT_NE(head.find("Content-Transfer-Encoding: base64\r\n"), std::string::npos);
  EXPECT_NE(head.find("MIME-Version: 1.0\r\n"), std::string::npos);
  EXPECT_NE(head.find("Message-ID: <" + m.message_id + ">\r\n"), std::string::npos);
  EXPECT_NE(head.find("<wang@example.cn>"), std::string::npos);
  // Every LF is part of a CRLF.
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') {
      ASSERT_EQ(text[i - 1], '\r') << i;
    }
  }
  EXPECT_EQ(Base64Decode(text.substr(split + 4)), "王五，您好：\r\n\r\n第一中学未按时报平安。\r\n");
}

TEST(MimeTest, MessageIdIsStablePerKey) {
  EXPECT_EQ(MessageIdFor("k1", "example.cn"), MessageIdFor("k1", "example.cn"));
  EXPECT_NE(MessageIdFor("k1", "example.cn"), MessageIdFor("k2", "example.cn"));
  EXPECT_TRUE(MessageIdFor("k1", "example.cn").ends_with("@example.cn"));
}

}  // namespace
}  // namespace pingan::notify

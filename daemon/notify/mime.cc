#include "daemon/notify/mime.h"

#include <cstdio>

#include <date/date.h>
#include <sodium.h>

namespace pingan::notify {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// Bytes per encoded word: 39 bytes -> 52 Base64 characters -> 64 with "=?UTF-8?B?" "?=",
// so even "Subject: " plus the first word stays within 76 characters (RFC 2047).
constexpr size_t kWordBytes = 39;

bool IsPlainAscii(std::string_view s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return s.find("=?") == std::string_view::npos;  // would be read as an encoded word
}

std::string DropLineBreaks(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c != '\r' && c != '\n') out += c;
  }
  return out;
}

// Length of the longest prefix of `s` of at most `max` bytes that ends on a UTF-8
// character boundary.
size_t Utf8Prefix(std::string_view s, size_t max) {
  if (s.size() <= max) return s.size();
  size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xc0) == 0x80) --n;
  return n == 0 ? max : n;  // not UTF-8 at all: cut anywhere rather than loop forever
}

std::string WithCrlf(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) out += '\r';
    out += text[i];
  }
  return out;
}

}  // namespace

std::string Base64Encode(std::string_view data, size_t line_length) {
  std::string out;
  size_t col = 0;
  auto put = [&](char c) {
    if (line_length > 0 && col == line_length) {
      out += "\r\n";
      col = 0;
    }
    out += c;
    ++col;
  };
  for (size_t i = 0; i < data.size(); i += 3) {
    const uint32_t b0 = static_cast<unsigned char>(data[i]);
    const uint32_t b1 = i + 1 < data.size() ? static_cast<unsigned char>(data[i + 1]) : 0;
    const uint32_t b2 = i + 2 < data.size() ? static_cast<unsigned char>(data[i + 2]) : 0;
    const uint32_t v = (b0 << 16) | (b1 << 8) | b2;
    put(kAlphabet[(v >> 18) & 63]);
    put(kAlphabet[(v >> 12) & 63]);
    put(i + 1 < data.size() ? kAlphabet[(v >> 6) & 63] : '=');
    put(i + 2 < data.size() ? kAlphabet[v & 63] : '=');
  }
  return out;
}

std::string EncodeHeaderText(std::string_view text) {
  const std::string clean = DropLineBreaks(text);
  if (IsPlainAscii(clean)) return clean;
  std::string out;
  std::string_view rest = clean;
  while (!rest.empty()) {
    const size_t n = Utf8Prefix(rest, kWordBytes);
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + Base64Encode(rest.substr(0, n)) + "?=";
    rest.remove_prefix(n);
  }
  return out;
}

std::string Rfc5322Date(core::Instant t) {
  return date::format("%a, %d %b %Y %H:%M:%S +0000", std::chrono::floor<std::chrono::seconds>(t));
}

bool IsSafeAddress(std::string_view a) {
  const auto at = a.find('@');
  if (at == std::string_view::npos || at == 0 || at + 1 >= a.size() || a.size() > 254) return false;
  for (unsigned char c : a) {
    if (c <= 0x20 || c == 0x7f || c == '<' || c == '>' || c == '"' || c == ',' || c == ';') {
      return false;
    }
  }
  return true;
}

std::string Mailbox(std::string_view display_name, std::string_view address) {
  const std::string name = DropLineBreaks(display_name);
  if (name.empty()) return "<" + std::string(address) + ">";
  if (IsPlainAscii(name) && name.find_first_of("\"\\()<>,;:@[]") == std::string::npos) {
    return "\"" + name + "\" <" + std::string(address) + ">";
  }
  return EncodeHeaderText(name) + " <" + std::string(address) + ">";
}

std::string BuildEmail(const EmailMessage& m) {
  std::string out;
  out += "Date: " + Rfc5322Date(m.date) + "\r\n";
  out += "From: " + Mailbox(m.from_name, m.from_address) + "\r\n";
  out += "To: " + Mailbox(m.to_name, m.to_address) + "\r\n";
  out += "Subject: " + EncodeHeaderText(m.subject) + "\r\n";
  out += "Message-ID: <" + DropLineBreaks(m.message_id) + ">\r\n";
  out += "MIME-Version: 1.0\r\n";
  out += "Content-Type: text/plain; charset=UTF-8\r\n";
  out += "Content-Transfer-Encoding: base64\r\n";
  out += "Auto-Submitted: auto-generated\r\n";  // RFC 3834: no auto-replies, please
  out += "\r\n";
  out += Base64Encode(WithCrlf(m.body), 76);
  out += "\r\n";
  return out;
}

std::string MessageIdFor(std::string_view idempotency_key, std::string_view domain) {
  unsigned char hash[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(hash, reinterpret_cast<const unsigned char*>(idempotency_key.data()),
                     idempotency_key.size());
  std::string hex;
  char buf[3];
  for (size_t i = 0; i < 16; ++i) {
    std::snprintf(buf, sizeof buf, "%02x", hash[i]);
    hex += buf;
  }
  return hex + "@" + std::string(domain.empty() ? "pingan.invalid" : domain);
}

}  // namespace pingan::notify

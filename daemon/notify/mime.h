// MIME building blocks for notification e-mail: Base64, RFC 2047 encoded words for
// UTF-8 headers, RFC 5322 dates, and the complete message text handed to SMTP.
//
// Pure functions (the date is passed in), safe on any thread.
#pragma once

#include <string>
#include <string_view>

#include "daemon/core/clock.h"

namespace pingan::notify {

// Standard alphabet with padding; when `line_length` > 0, lines are broken with CRLF.
std::string Base64Encode(std::string_view data, size_t line_length = 0);

// The header value as one or more "=?UTF-8?B?...?=" words of at most 64 characters,
// split on UTF-8 character boundaries and folded with CRLF SP. Plain printable ASCII is
// returned unchanged. CR and LF in the input are dropped (no header injection).
std::string EncodeHeaderText(std::string_view text);

// "Thu, 03 Oct 2024 08:00:00 +0000".
std::string Rfc5322Date(core::Instant t);

// A mailbox for From/To: `"=?UTF-8?B?...?=" <address>`, or `<address>` without a name.
std::string Mailbox(std::string_view display_name, std::string_view address);

// True for a plain address we are willing to put in SMTP commands and headers:
// local@domain, no spaces, no CR/LF, no angle brackets.
bool IsSafeAddress(std::string_view address);

struct EmailMessage {
  std::string from_name;
  std::string from_address;
  std::string to_name;
  std::string to_address;
  std::string subject;     // UTF-8
  std::string body;        // UTF-8, '\n' or "\r\n" line ends
  std::string message_id;  // without angle brackets: "id@domain"
  core::Instant date{};
};

// The full RFC 5322 message: Date, From, To, Subject, Message-ID, MIME-Version,
// Content-Type text/plain; charset=UTF-8, Content-Transfer-Encoding base64; CRLF line
// ends throughout.
std::string BuildEmail(const EmailMessage& message);

// A stable Message-ID ("<32 hex>@domain") for an idempotency key, so a resent
// duplicate carries the same id and mail clients can drop it.
std::string MessageIdFor(std::string_view idempotency_key, std::string_view domain);

}  // namespace pingan::notify

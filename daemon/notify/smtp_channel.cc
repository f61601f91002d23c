#include "daemon/notify/smtp_channel.h"

#include <algorithm>
#include <cstring>
#include <memory>
#include <stdexcept>

#include <curl/curl.h>
#include <sodium.h>

#include "daemon/notify/http_client.h"
#include "daemon/notify/mime.h"

namespace pingan::notify {
namespace {

struct Upload {
  std::string_view data;
};

size_t OnRead(char* buffer, size_t size, size_t n, void* user) {
  auto* up = static_cast<Upload*>(user);
  const size_t len = std::min(size * n, up->data.size());
  std::memcpy(buffer, up->data.data(), len);
  up->data.remove_prefix(len);
  return len;
}

core::DeliveryResult FromCurl(CURLcode rc, long smtp_code, const char* detail) {
  if (rc == CURLE_OK) return core::DeliveryResult::Delivered();
  // The server's reply code says most: 5xx will not change on retry, 4xx may.
  if (smtp_code >= 500) {
    return core::DeliveryResult::Permanent("SMTP server refused (" + std::to_string(smtp_code) +
                                           ")");
  }
  if (smtp_code >= 400) {
    return core::DeliveryResult::Transient("SMTP server deferred (" + std::to_string(smtp_code) +
                                           ")");
  }
  switch (rc) {
    case CURLE_LOGIN_DENIED:
      return core::DeliveryResult::Permanent("SMTP authentication failed");
    case CURLE_USE_SSL_FAILED:
      return core::DeliveryResult::Permanent("SMTP server does not offer STARTTLS");
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
      return core::DeliveryResult::Permanent(std::string("SMTP configuration: ") +
                                             curl_easy_strerror(rc));
    default:
      return core::DeliveryResult::Transient(std::string("SMTP: ") +
                                             (detail[0] != '\0' ? detail : curl_easy_strerror(rc)));
  }
}

std::string DomainOf(std::string_view address) {
  const auto at = address.rfind('@');
  return at == std::string_view::npos ? "" : std::string(address.substr(at + 1));
}

}  // namespace

SmtpChannel::SmtpChannel(SmtpConfig config, const core::Clock& clock)
    : config_(std::move(config)), clock_(clock) {
  EnsureCurlInitialized();
  // Idempotent and thread-safe; failing means a broken installation.
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
}

core::DeliveryResult SmtpChannel::Send(const OutgoingMessage& message) {
  const std::string& to = message.recipient.email;
  if (!IsSafeAddress(to)) return core::DeliveryResult::Permanent("no usable e-mail address");
  if (!IsSafeAddress(config_.from_address)) {
    return core::DeliveryResult::Permanent("SMTP configuration: bad sender address");
  }
  EmailMessage email{config_.from_name,
                     config_.from_address,
                     message.recipient.name,
                     to,
                     message.content.email.subject,
                     message.content.email.body,
                     MessageIdFor(message.idempotency_key, DomainOf(config_.from_address)),
                     clock_.Now()};
  const std::string text = BuildEmail(email);
  Upload upload{text};

  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), &curl_easy_cleanup);
  if (!curl) return core::DeliveryResult::Transient("curl_easy_init failed");
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> rcpt(
      curl_slist_append(nullptr, ("<" + to + ">").c_str()), &curl_slist_free_all);
  const std::string from = "<" + config_.from_address + ">";
  char error[CURL_ERROR_SIZE] = {0};
  CURL* h = curl.get();
  curl_easy_setopt(h, CURLOPT_URL, config_.url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(config_.connect_timeout.count()));
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(config_.timeout.count()));
  const long use_ssl = config_.starttls == SmtpConfig::Tls::kRequired ? CURLUSESSL_ALL
                       : config_.starttls == SmtpConfig::Tls::kTry    ? CURLUSESSL_TRY
                                                                      : CURLUSESSL_NONE;
  curl_easy_setopt(h, CURLOPT_USE_SSL, use_ssl);
  if (!config_.ca_file.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, config_.ca_file.c_str());
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, config_.verify_peer ? 1L : 0L);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, config_.verify_peer ? 2L : 0L);
  if (!config_.username.empty()) {
    curl_easy_setopt(h, CURLOPT_USERNAME, config_.username.c_str());
    curl_easy_setopt(h, CURLOPT_PASSWORD, config_.password.c_str());
  }
  curl_easy_setopt(h, CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt.get());
  curl_easy_setopt(h, CURLOPT_READFUNCTION, &OnRead);
  curl_easy_setopt(h, CURLOPT_READDATA, &upload);
  curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(text.size()));
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error);
  const CURLcode rc = curl_easy_perform(h);
  long smtp_code = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &smtp_code);
  return FromCurl(rc, smtp_code, error);
}

}  // namespace pingan::notify

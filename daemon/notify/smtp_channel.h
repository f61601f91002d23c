// SmtpChannel: e-mail notifications over SMTP with libcurl (smtp:// with optional or
// required STARTTLS, or smtps://), optional AUTH, UTF-8 MIME messages.
//
// Send() is one blocking SMTP transaction bounded by connect and total timeouts; call it
// from a worker thread. Thread-safe (a new curl handle per call). Failures: a 5xx reply
// (e.g. recipient rejected) or a configuration error is permanent; connect failures,
// timeouts and 4xx replies are transient.
#pragma once

#include <string>

#include "daemon/core/clock.h"
#include "daemon/notify/channel.h"

namespace pingan::notify {

struct SmtpConfig {
  std::string url;  // "smtp://mail.example.cn:587" or "smtps://mail.example.cn:465"
  enum class Tls { kNone, kTry, kRequired } starttls = Tls::kRequired;  // smtp:// only
  std::string username;                                                 // empty: no AUTH
  std::string password;
  std::string from_address;
  std::string from_name = "平安校园";
  std::string ca_file;  // empty: system CAs
  bool verify_peer = true;
  core::Millis connect_timeout{std::chrono::seconds{5}};
  core::Millis timeout{std::chrono::seconds{30}};
};

class SmtpChannel final : public Channel {
 public:
  // `clock` stamps the Date header; it must outlive the channel.
  SmtpChannel(SmtpConfig config, const core::Clock& clock);
  core::DeliveryResult Send(const OutgoingMessage& message) override;

 private:
  SmtpConfig config_;
  const core::Clock& clock_;
};

}  // namespace pingan::notify

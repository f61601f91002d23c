#include "daemon/app/heartbeat.h"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>

#include "daemon/notify/http_client.h"

namespace pingan::app {

Heartbeat::Heartbeat(boost::asio::io_context& io, std::string url, core::Millis every,
                     std::function<bool()> ready, std::function<void()> on_failure)
    : io_(io),
      url_(std::move(url)),
      every_(every),
      ready_(std::move(ready)),
      on_failure_(std::move(on_failure)),
      timer_(io) {}

Heartbeat::~Heartbeat() {
  running_ = false;
  sender_.join();  // a GET in flight ends within its timeouts
}

void Heartbeat::Start() {
  running_ = true;
  Beat();
}

void Heartbeat::Stop() {
  running_ = false;
  timer_.cancel();
}

void Heartbeat::Arm() {
  timer_.expires_after(every_);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec && running_) Beat();
  });
}

void Heartbeat::Beat() {
  Arm();
  if (in_flight_) return;  // the last one is still waiting for its timeouts
  if (!ready_()) {
    ++stats_.withheld;
    return;
  }
  in_flight_ = true;
  boost::asio::post(sender_, [this] {
    notify::HttpRequest request;
    request.method = "GET";
    request.url = url_;
    request.max_response_bytes = 4096;
    const notify::HttpOutcome outcome = notify::PerformHttp(request);
    bool ok = false;
    std::string why;
    if (const auto* error = std::get_if<notify::HttpTransportError>(&outcome)) {
      why = error->message;
    } else {
      const long status = std::get<notify::HttpResponse>(outcome).status;
      ok = status >= 200 && status < 300;
      why = "HTTP status " + std::to_string(status);
    }
    boost::asio::post(io_, [this, ok, why] { Done(ok, why); });
  });
}

void Heartbeat::Done(bool ok, const std::string& why) {
  in_flight_ = false;
  if (ok) {
    ++stats_.sent;
    if (const uint64_t failed = failures_.Succeed()) {
      spdlog::warn("heartbeat: reaches its URL again after {} failures", failed);
    }
    return;
  }
  ++stats_.failed;
  if (on_failure_) on_failure_();
  // The URL may hold a secret (a check's token): it is never logged.
  if (failures_.Fail()) {
    spdlog::warn("heartbeat: monitoring.heartbeat_url not reached: {} ({} in a row)", why,
                 failures_.failures());
  }
}

}  // namespace pingan::app

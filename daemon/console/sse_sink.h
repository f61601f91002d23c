// The connection types of the HTTP server and SseSink, the open end of a Server-Sent
// Events response: split from http_server.cc, which instantiates them for plain TCP
// and TLS. Internal to the console's HTTP server.
//
// Threading: everything here runs on the io thread that owns the connection.
#pragma once

#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <type_traits>

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>

#include "daemon/console/connection_limits.h"
#include "daemon/console/http_types.h"

namespace pingan::console::detail {

namespace beast = boost::beast;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

// The two transports the session template is instantiated for.
using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;
template <class Stream>
constexpr bool kIsTls = std::is_same_v<Stream, TlsStream>;

// Ends the TCP connection under either transport at once. TLS streams get no
// close_notify: it would be a second write racing the one in flight, and an event
// stream has no length that a truncation could falsify.
inline void CloseSocket(beast::tcp_stream& lowest) {
  beast::error_code ec;
  lowest.socket().shutdown(tcp::socket::shutdown_both, ec);
  lowest.socket().close(ec);
}

// A Server-Sent Events connection after its headers: a queue of chunks with one write
// in flight. A peer that falls behind by more than kMaxQueued bytes, or does not take
// a write within the timeout, is dropped, so it cannot hold memory without bound. A
// quiet peer is fine: the stream has no read timeout.
// Close() (the hub ending a stream whose session ended) lets queued bytes go out
// first, within the same write timeout, then closes.
template <class Stream>
class SseSink : public StreamSink, public std::enable_shared_from_this<SseSink<Stream>> {
 public:
  static constexpr size_t kMaxQueued = 256 * 1024;

  SseSink(Stream stream, std::chrono::seconds timeout, ConnectionLimits::Slot slot)
      : stream_(std::move(stream)),
        write_timer_(stream_.get_executor()),
        timeout_(timeout),
        slot_(std::move(slot)) {}

  void Start(std::string head) {
    // The stream's own timeouts stay off: tcp_stream arms a pending read with the
    // expiry set for the writes, which would end every quiet stream after `timeout`.
    // Writes are timed by write_timer_ instead; the read lasts as long as the peer.
    beast::get_lowest_layer(stream_).expires_never();
    // Nothing is expected from the peer; a read notices when it goes away.
    stream_.async_read_some(asio::buffer(scratch_),
                            [self = this->shared_from_this()](beast::error_code ec, size_t) {
                              if (ec) self->Abort();
                            });
    Send(std::move(head));
  }

  bool Send(std::string bytes) override {
    if (!open_) return false;
    queued_ += bytes.size();
    if (queued_ > kMaxQueued) {
      spdlog::warn("events: dropping a slow client ({} bytes queued)", queued_);
      Abort();
      return false;
    }
    queue_.push_back(std::move(bytes));
    if (queue_.size() == 1) WriteNext();
    return true;
  }

  bool open() const override { return open_; }

  void Close() override {
    if (!open_) return;
    open_ = false;
    if (queue_.empty()) CloseSocket(beast::get_lowest_layer(stream_));
    // else: the write completion closes once the queue is drained.
  }

 private:
  void WriteNext() {
    const uint64_t write = ++writes_started_;
    write_timer_.expires_after(timeout_);
    write_timer_.async_wait([self = this->shared_from_this(), write](beast::error_code ec) {
      if (!ec && self->writes_done_ < write) self->Abort();  // the peer stopped reading
    });
    asio::async_write(stream_, asio::buffer(queue_.front()),
                      [self = this->shared_from_this()](beast::error_code ec, size_t) {
                        ++self->writes_done_;
                        self->write_timer_.cancel();
                        if (ec) return self->Abort();
                        self->queued_ -= self->queue_.front().size();
                        self->queue_.pop_front();
                        if (!self->queue_.empty()) return self->WriteNext();
                        if (!self->open_) CloseSocket(beast::get_lowest_layer(self->stream_));
                      });
  }

  void Abort() {
    if (aborted_) return;
    aborted_ = true;
    open_ = false;
    write_timer_.cancel();
    // The queue stays: a write may still be in flight on its front (it ends aborted).
    CloseSocket(beast::get_lowest_layer(stream_));
  }

  Stream stream_;
  asio::steady_timer write_timer_;
  std::chrono::seconds timeout_;
  ConnectionLimits::Slot slot_;  // the connection counts until this sink is gone
  uint64_t writes_started_ = 0;
  uint64_t writes_done_ = 0;
  std::deque<std::string> queue_;
  size_t queued_ = 0;
  bool open_ = true;
  bool aborted_ = false;
  char scratch_[64];
};

}  // namespace pingan::console::detail

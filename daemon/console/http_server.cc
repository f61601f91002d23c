#include "daemon/console/http_server.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <type_traits>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "daemon/console/beast_messages.h"
#include "daemon/console/sse_sink.h"

namespace pingan::console {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using detail::CloseSocket;
using detail::kIsTls;
using detail::PlainStream;
using detail::SseSink;
using detail::TlsStream;

// One connection: (TLS handshake,) read a request's head, let the Router admit it,
// read its body within the admitted limit, answer, repeat while keep-alive.
template <class Stream>
class HttpSession : public std::enable_shared_from_this<HttpSession<Stream>> {
 public:
  HttpSession(Stream stream, const Router& router, const HttpServerOptions& options,
              std::string peer, ConnectionLimits::Slot slot)
      : stream_(std::move(stream)),
        router_(router),
        options_(options),
        peer_(std::move(peer)),
        slot_(std::move(slot)) {}

  void Run() {
    if constexpr (kIsTls<Stream>) {
      // Bounded: a peer that connects and says nothing (or speaks plain HTTP) is
      // dropped without holding anything but its own socket.
      beast::get_lowest_layer(stream_).expires_after(options_.handshake_timeout);
      stream_.async_handshake(asio::ssl::stream_base::server,
                              beast::bind_front_handler(&HttpSession::OnHandshake, Self()));
    } else {
      DoRead();
    }
  }

 private:
  std::shared_ptr<HttpSession> Self() { return this->shared_from_this(); }

  void OnHandshake(beast::error_code ec) {
    if (ec) {
      spdlog::debug("https: handshake with {} failed: {}", peer_, ec.message());
      return CloseSocket(beast::get_lowest_layer(stream_));
    }
    DoRead();
  }

  void DoRead() {
    parser_.emplace();
    parser_->header_limit(static_cast<uint32_t>(options_.header_limit));
    // Beast compares Content-Length with the limit as the head completes; the limit is
    // only known once the Router has seen the head, so OnHeader checks it instead.
    parser_->body_limit(boost::none);
    beast::get_lowest_layer(stream_).expires_after(options_.timeout);
    http::async_read_header(stream_, buffer_, *parser_,
                            beast::bind_front_handler(&HttpSession::OnHeader, Self()));
  }

  void OnHeader(beast::error_code ec, size_t) {
    if (ec) return OnReadError(ec);
    const auto& head = parser_->get();
    const Request request = Resolve(head);
    Admission admission = router_.Admit(request);
    if (admission.answer) {
      // The body stays unread: the connection cannot carry another request after it.
      const bool keep_alive = parser_->is_done() && head.keep_alive();
      return Write(ToBeast(*admission.answer, head.version(), keep_alive, request.tls));
    }
    if (parser_->is_done()) return OnRead({}, 0);
    const uint64_t limit = std::min(admission.body_limit, options_.body_limit);
    const auto announced = parser_->content_length();
    if (announced && *announced > limit) return OnReadError(http::error::body_limit);
    parser_->body_limit(limit);  // checked as it arrives (chunked bodies)
    beast::get_lowest_layer(stream_).expires_after(options_.timeout);
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&HttpSession::OnRead, Self()));
  }

  void OnRead(beast::error_code ec, size_t) {
    if (ec) return OnReadError(ec);
    const auto& req = parser_->get();
    Request request = Resolve(req);
    const bool https = request.tls;
    router_.HandleAsync(
        std::move(request), options_.executors,
        [self = Self(), version = req.version(), keep_alive = req.keep_alive(),
         https](Response res) { self->Answer(std::move(res), version, keep_alive, https); });
  }

  // A request that cannot be read to its end gets a last answer when the peer is
  // still there to take it; the connection then closes.
  void OnReadError(beast::error_code ec) {
    if (ec == http::error::end_of_stream) return Close();
    const bool https = kIsTls<Stream>;
    if (ec == http::error::body_limit) {
      return Write(
          ToBeast(ErrorResponse(413, "too_large", "request body too large"), 11, false, https));
    }
    if (ec == http::error::header_limit) {
      return Write(ToBeast(ErrorResponse(431, "headers_too_large", "request headers too large"), 11,
                           false, https));
    }
    if (ec.category() == http::make_error_code(http::error::bad_target).category()) {
      return Write(
          ToBeast(ErrorResponse(400, "bad_request", "malformed HTTP request"), 11, false, https));
    }
    // Timeout or reset: the socket closes with this session.
  }

  Request Resolve(const http::request<http::string_body>& req) const {
    return ToRequest(req, peer_, kIsTls<Stream>, options_.trusted_proxies);
  }

  // On the io thread, once the Router has the answer.
  void Answer(Response res, unsigned version, bool keep_alive, bool https) {
    if (res.stream) {
      // The connection now belongs to the stream; this session ends here.
      auto sink =
          std::make_shared<SseSink<Stream>>(std::move(stream_), options_.timeout, std::move(slot_));
      sink->Start(StreamHead(res, https));
      return res.stream(sink);
    }
    Write(ToBeast(res, version, keep_alive, https));
  }

  void Write(http::response<http::string_body> res) {
    // One write in flight: the next read starts only when this write completed.
    response_ = std::make_shared<http::response<http::string_body>>(std::move(res));
    beast::get_lowest_layer(stream_).expires_after(options_.timeout);
    http::async_write(
        stream_, *response_,
        beast::bind_front_handler(&HttpSession::OnWrite, Self(), response_->keep_alive()));
  }

  void OnWrite(bool keep_alive, beast::error_code ec, size_t) {
    if (ec) return;
    response_.reset();
    if (!keep_alive) return Close();
    DoRead();
  }

  void Close() {
    if constexpr (kIsTls<Stream>) {
      // close_notify, then the socket closes with this session (bounded by the timeout).
      beast::get_lowest_layer(stream_).expires_after(options_.timeout);
      stream_.async_shutdown([self = Self()](beast::error_code) {});
    } else {
      beast::error_code ec;
      stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
      // Lingering close: closing with unread bytes (a refused body) would send a reset
      // that can overtake our answer at the peer. Read and drop what still comes, for
      // a second and 64 KiB at most.
      stream_.expires_after(std::chrono::seconds{1});
      Drain(0);
    }
  }

  void Drain(size_t drained) {
    stream_.async_read_some(asio::buffer(drain_),
                            [self = Self(), drained](beast::error_code ec, size_t n) {
                              if (!ec && drained + n < kMaxDrain) self->Drain(drained + n);
                            });
  }

  static constexpr size_t kMaxDrain = 64 * 1024;

  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<http::response<http::string_body>> response_;
  const Router& router_;
  const HttpServerOptions options_;  // a copy: sessions may outlive the listener
  std::string peer_;
  ConnectionLimits::Slot slot_;
  char drain_[4096];
};

}  // namespace

class HttpServer::Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(asio::io_context& io, const Router& router, const HttpServerOptions& options,
           std::shared_ptr<ConnectionLimits> limits)
      : io_(io),
        acceptor_(io),
        retry_(io),
        router_(router),
        options_(options),
        limits_(std::move(limits)) {}

  void Open() {
    beast::error_code ec;
    const tcp::endpoint endpoint(asio::ip::make_address(options_.address, ec), options_.port);
    if (ec) throw std::runtime_error("http.listen: bad address '" + options_.address + "'");
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(asio::socket_base::reuse_address(true));
    acceptor_.bind(endpoint, ec);
    if (ec) {
      throw std::runtime_error("http.listen: cannot bind " + options_.address + ":" +
                               std::to_string(options_.port) + ": " + ec.message());
    }
    acceptor_.listen(asio::socket_base::max_listen_connections);
    DoAccept();
  }

  void Close() {
    beast::error_code ec;
    acceptor_.close(ec);
    retry_.cancel();
  }

  unsigned short port() const { return acceptor_.local_endpoint().port(); }

 private:
  void DoAccept() {
    acceptor_.async_accept(io_, beast::bind_front_handler(&Listener::OnAccept, shared_from_this()));
  }

  void OnAccept(beast::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted) return;  // closed
    if (ec) return AcceptFailed(ec);
    beast::error_code peer_ec;
    const auto peer = socket.remote_endpoint(peer_ec);
    if (peer_ec) return DoAccept();  // gone already
    std::string address = peer.address().to_string();
    ConnectionLimits::Refusal why;
    auto slot = limits_->Admit(address, options_.trusted_proxies.Contains(address), &why);
    if (!slot) {
      // Closed at once: holding it (or answering) would spend what the cap protects.
      socket.close(peer_ec);
      Complain(why == ConnectionLimits::Refusal::kTotal
                   ? "http: connection cap reached; closing new connections"
                   : "http: too many connections from one address; closing its new ones");
      return DoAccept();
    }
    if (options_.tls) {
      std::make_shared<HttpSession<TlsStream>>(TlsStream(std::move(socket), *options_.tls), router_,
                                               options_, std::move(address), std::move(slot))
          ->Run();
    } else {
      std::make_shared<HttpSession<PlainStream>>(PlainStream(std::move(socket)), router_, options_,
                                                 std::move(address), std::move(slot))
          ->Run();
    }
    DoAccept();
  }

  // Out of descriptors or memory: accepting again at once would fail again at once
  // (a busy loop on the io thread that acks reports). Pending connections wait in the
  // kernel's backlog meanwhile.
  void AcceptFailed(beast::error_code ec) {
    const int e = ec.value();
    const bool exhausted = ec.category() == asio::error::get_system_category() &&
                           (e == EMFILE || e == ENFILE || e == ENOBUFS || e == ENOMEM);
    if (!exhausted) return DoAccept();  // one peer's trouble (ECONNABORTED, ...)
    Complain("http: cannot accept: " + ec.message() + "; retrying in 100 ms");
    retry_.expires_after(std::chrono::milliseconds{100});
    retry_.async_wait([self = shared_from_this()](beast::error_code wait_ec) {
      if (!wait_ec) self->DoAccept();
    });
  }

  // At most one warning per 10 s, with the count of what it stands for: a flood must
  // not become a flood of log lines.
  void Complain(const std::string& what) {
    ++complaints_;
    const auto now = std::chrono::steady_clock::now();
    if (now - last_complaint_ < std::chrono::seconds{10}) return;
    spdlog::warn("{} ({} times since the last such line; {} open)", what, complaints_,
                 limits_->open());
    complaints_ = 0;
    last_complaint_ = now;
  }

  asio::io_context& io_;
  tcp::acceptor acceptor_;
  asio::steady_timer retry_;
  const Router& router_;
  const HttpServerOptions options_;
  std::shared_ptr<ConnectionLimits> limits_;
  uint64_t complaints_ = 0;
  std::chrono::steady_clock::time_point last_complaint_{};
};

HttpServer::HttpServer(asio::io_context& io, const Router& router, HttpServerOptions options)
    : io_(io),
      router_(router),
      options_(std::move(options)),
      limits_(std::make_shared<ConnectionLimits>(options_.connections)) {}

HttpServer::~HttpServer() {
  Stop();
}

void HttpServer::Start() {
  listener_ = std::make_shared<Listener>(io_, router_, options_, limits_);
  listener_->Open();
}

void HttpServer::Stop() {
  if (listener_) listener_->Close();
}

unsigned short HttpServer::port() const {
  return listener_ ? listener_->port() : 0;
}

std::optional<std::pair<std::string, unsigned short>> ParseListen(const std::string& text) {
  const size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) return std::nullopt;
  std::string host = text.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  int port = 0;
  try {
    size_t used = 0;
    port = std::stoi(text.substr(colon + 1), &used);
    if (used != text.size() - colon - 1) return std::nullopt;
  } catch (const std::exception&) {
    return std::nullopt;
  }
  if (port < 0 || port > 65535) return std::nullopt;
  return std::make_pair(host, static_cast<unsigned short>(port));
}

}  // namespace pingan::console

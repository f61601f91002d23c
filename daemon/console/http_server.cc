#include "daemon/console/http_server.h"

#include <spdlog/spdlog.h>

#include <deque>

#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace pingan::console {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

Request ToRequest(const http::request<http::string_body>& in, const std::string& client) {
  Request r;
  r.method = std::string(in.method_string());
  r.target = std::string(in.target());
  for (const auto& field : in) {
    std::string name(field.name_string());
    for (char& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    r.headers[name] = std::string(field.value());
  }
  r.body = in.body();
  r.client_address = client;
  return r;
}

http::response<http::string_body> ToBeast(const Response& in, unsigned version, bool keep_alive) {
  http::response<http::string_body> out{static_cast<http::status>(in.status), version};
  out.set(http::field::server, "pingand");
  for (const auto& [name, value] : in.headers) out.insert(name, value);
  out.body() = in.body;
  out.keep_alive(keep_alive);
  out.prepare_payload();
  return out;
}

// A Server-Sent Events connection after its headers: a queue of chunks with one write
// in flight. A peer that falls behind by more than kMaxQueued bytes, or does not take
// a write within the timeout, is dropped, so it cannot hold memory without bound.
class SseSink : public StreamSink, public std::enable_shared_from_this<SseSink> {
 public:
  static constexpr size_t kMaxQueued = 256 * 1024;

  SseSink(beast::tcp_stream stream, std::chrono::seconds timeout)
      : stream_(std::move(stream)), timeout_(timeout) {}

  void Start(std::string head) {
    Send(std::move(head));
    // Nothing is expected from the peer; a read notices when it goes away.
    stream_.socket().async_read_some(asio::buffer(scratch_),
                                     [self = shared_from_this()](beast::error_code ec, size_t) {
                                       if (ec) self->Close();
                                     });
  }

  bool Send(std::string bytes) override {
    if (!open_) return false;
    queued_ += bytes.size();
    if (queued_ > kMaxQueued) {
      spdlog::warn("events: dropping a slow client ({} bytes queued)", queued_);
      Close();
      return false;
    }
    queue_.push_back(std::move(bytes));
    if (queue_.size() == 1) WriteNext();
    return true;
  }

  bool open() const override { return open_; }

 private:
  void WriteNext() {
    stream_.expires_after(timeout_);
    asio::async_write(stream_, asio::buffer(queue_.front()),
                      [self = shared_from_this()](beast::error_code ec, size_t) {
                        if (ec) return self->Close();
                        self->queued_ -= self->queue_.front().size();
                        self->queue_.pop_front();
                        if (!self->queue_.empty()) self->WriteNext();
                      });
  }

  void Close() {
    if (!open_) return;
    open_ = false;
    // The queue stays: a write may still be in flight on its front (it ends aborted).
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.socket().close(ec);
  }

  beast::tcp_stream stream_;
  std::chrono::seconds timeout_;
  std::deque<std::string> queue_;
  size_t queued_ = 0;
  bool open_ = true;
  char scratch_[64];
};

std::string StreamHead(const Response& res) {
  std::string head = "HTTP/1.1 " + std::to_string(res.status) + " " +
                     std::string(http::obsolete_reason(static_cast<http::status>(res.status))) +
                     "\r\nServer: pingand\r\nConnection: close\r\n";
  for (const auto& [name, value] : res.headers) head += name + ": " + value + "\r\n";
  return head + "\r\n";
}

// One connection: read a request, answer it, repeat while keep-alive.
class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(tcp::socket socket, const Router& router, const HttpServerOptions& options)
      : stream_(std::move(socket)), router_(router), options_(options) {
    beast::error_code ec;
    const auto peer = stream_.socket().remote_endpoint(ec);
    client_ = ec ? "" : peer.address().to_string();
  }

  void Run() { DoRead(); }

 private:
  void DoRead() {
    parser_.emplace();
    parser_->body_limit(options_.body_limit);
    stream_.expires_after(options_.timeout);
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&HttpSession::OnRead, shared_from_this()));
  }

  void OnRead(beast::error_code ec, size_t) {
    if (ec == http::error::end_of_stream) return Close();
    if (ec == http::error::body_limit) {
      return Write(ToBeast(ErrorResponse(413, "too_large", "request body too large"), 11, false));
    }
    if (ec) return;  // timeout or reset: the socket closes with this session
    const auto& req = parser_->get();
    const Response res = router_.Handle(ToRequest(req, client_));
    if (res.stream) {
      // The connection now belongs to the stream; this session ends here.
      auto sink = std::make_shared<SseSink>(std::move(stream_), options_.timeout);
      sink->Start(StreamHead(res));
      return res.stream(sink);
    }
    Write(ToBeast(res, req.version(), req.keep_alive()));
  }

  void Write(http::response<http::string_body> res) {
    // One write in flight: the next read starts only when this write completed.
    response_ = std::make_shared<http::response<http::string_body>>(std::move(res));
    stream_.expires_after(options_.timeout);
    http::async_write(stream_, *response_,
                      beast::bind_front_handler(&HttpSession::OnWrite, shared_from_this(),
                                                response_->keep_alive()));
  }

  void OnWrite(bool keep_alive, beast::error_code ec, size_t) {
    if (ec) return;
    response_.reset();
    if (!keep_alive) return Close();
    DoRead();
  }

  void Close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<http::response<http::string_body>> response_;
  const Router& router_;
  const HttpServerOptions options_;
  std::string client_;
};

}  // namespace

class HttpServer::Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(asio::io_context& io, const Router& router, const HttpServerOptions& options)
      : io_(io), acceptor_(io), router_(router), options_(options) {}

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
  }

  unsigned short port() const { return acceptor_.local_endpoint().port(); }

 private:
  void DoAccept() {
    acceptor_.async_accept(io_, beast::bind_front_handler(&Listener::OnAccept, shared_from_this()));
  }

  void OnAccept(beast::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted) return;  // closed
    if (!ec) std::make_shared<HttpSession>(std::move(socket), router_, options_)->Run();
    DoAccept();
  }

  asio::io_context& io_;
  tcp::acceptor acceptor_;
  const Router& router_;
  const HttpServerOptions options_;
};

HttpServer::HttpServer(asio::io_context& io, const Router& router, HttpServerOptions options)
    : io_(io), router_(router), options_(std::move(options)) {}

HttpServer::~HttpServer() {
  Stop();
}

void HttpServer::Start() {
  listener_ = std::make_shared<Listener>(io_, router_, options_);
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

// Loopback clients for the console benchmarks: HttpClient, one keep-alive HTTP/1.1
// connection with the session cookie and CSRF header a signed-in page sends; and
// SseConsole, one open GET /api/v1/events stream read on its own thread, the way a
// duty console's EventSource holds one. Plus Percentile over latency samples.
//
// Threading: an HttpClient belongs to one thread. An SseConsole's reader thread calls
// its callback; Close() may be called from any thread (it shuts the socket down).
#pragma once

#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <functional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace pingan::bench {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;

inline double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  const size_t i = std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())));
  std::nth_element(v.begin(), v.begin() + static_cast<long>(i), v.end());
  return v[i];
}

// `source`: the local address to connect from (any of 127.0.0.0/8, so that a bench can
// stand for many clients); "" lets the kernel choose.
inline tcp::socket ConnectLoopback(boost::asio::io_context& io, unsigned short port,
                                   const std::string& source = "") {
  tcp::socket socket(io);
  if (!source.empty()) {
    socket.open(tcp::v4());
    socket.bind({boost::asio::ip::make_address(source), 0});
  }
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), port});
  socket.set_option(tcp::no_delay(true));
  return socket;
}

struct HttpReply {
  int status = 0;
  std::string body;
  std::string set_cookie;
};

class HttpClient {
 public:
  explicit HttpClient(unsigned short port, const std::string& source = "")
      : socket_(ConnectLoopback(io_, port, source)) {}

  // Signs in as `name` (POST /api/v1/login) and keeps the cookie and CSRF token.
  void Login(const std::string& name, const std::string& password);
  void UseSession(std::string cookie, std::string csrf) {
    cookie_ = std::move(cookie);
    csrf_ = std::move(csrf);
  }
  const std::string& cookie() const { return cookie_; }
  const std::string& csrf() const { return csrf_; }

  // One request on the kept-alive connection; throws on a transport error.
  HttpReply Send(http::verb verb, const std::string& target, const std::string& body = "") {
    http::request<http::string_body> req{verb, target, 11};
    req.set(http::field::host, "127.0.0.1");
    req.keep_alive(true);
    if (!cookie_.empty()) req.set(http::field::cookie, cookie_);
    if (!csrf_.empty() && verb != http::verb::get) req.set("X-CSRF-Token", csrf_);
    if (!body.empty()) req.set(http::field::content_type, "application/json");
    req.body() = body;
    req.prepare_payload();
    http::write(socket_, req);
    http::response<http::string_body> res;
    http::read(socket_, buffer_, res);
    HttpReply reply{static_cast<int>(res.result_int()), std::move(res.body()), ""};
    if (auto it = res.find(http::field::set_cookie); it != res.end()) {
      reply.set_cookie = std::string(it->value());
    }
    return reply;
  }
  HttpReply Get(const std::string& target) { return Send(http::verb::get, target); }

 private:
  boost::asio::io_context io_;
  tcp::socket socket_;
  beast::flat_buffer buffer_;
  std::string cookie_;  // "pingan_session=..."
  std::string csrf_;
};

inline void HttpClient::Login(const std::string& name, const std::string& password) {
  const HttpReply reply = Send(http::verb::post, "/api/v1/login",
                               "{\"name\":\"" + name + "\",\"password\":\"" + password + "\"}");
  if (reply.status != 200) throw std::runtime_error("login failed: " + reply.body);
  cookie_ = reply.set_cookie.substr(0, reply.set_cookie.find(';'));
  const std::string key = "\"csrf_token\":\"";
  const size_t at = reply.body.find(key);
  if (at == std::string::npos) throw std::runtime_error("no csrf_token in " + reply.body);
  const size_t from = at + key.size();
  csrf_ = reply.body.substr(from, reply.body.find('"', from) - from);
}

// One open event stream. `on_event(name, data)` runs on the reader thread for every
// event (comments such as heartbeats are skipped).
class SseConsole {
 public:
  using OnEvent = std::function<void(const std::string& name, const std::string& data)>;

  SseConsole(unsigned short port, const std::string& cookie, OnEvent on_event)
      : socket_(ConnectLoopback(io_, port)), on_event_(std::move(on_event)) {
    const std::string request =
        "GET /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: " + cookie +
        "\r\nAccept: text/event-stream\r\n\r\n";
    boost::asio::write(socket_, boost::asio::buffer(request));
    reader_ = std::thread([this] { Read(); });
  }
  ~SseConsole() {
    Close();
    reader_.join();
  }

  // True once the hub's first block ("retry:") arrived: the stream is subscribed.
  bool subscribed() const { return subscribed_; }
  void Close() { ::shutdown(socket_.native_handle(), SHUT_RDWR); }

 private:
  void Read() {
    std::string pending;
    char chunk[16384];
    bool in_body = false;
    for (;;) {
      boost::system::error_code ec;
      const size_t n = socket_.read_some(boost::asio::buffer(chunk), ec);
      if (ec) return;
      pending.append(chunk, n);
      if (!in_body) {
        const size_t end = pending.find("\r\n\r\n");
        if (end == std::string::npos) continue;
        if (pending.rfind("HTTP/1.1 200", 0) != 0) return;
        pending.erase(0, end + 4);
        in_body = true;
      }
      size_t end;
      while ((end = pending.find("\n\n")) != std::string::npos) {
        Dispatch(pending.substr(0, end));
        pending.erase(0, end + 2);
      }
    }
  }

  // "retry: 3000" is the first block the hub sends after subscribing the stream.
  void Dispatch(const std::string& block) {
    std::string name, data;
    size_t pos = 0;
    while (pos < block.size()) {
      size_t eol = block.find('\n', pos);
      if (eol == std::string::npos) eol = block.size();
      const std::string line = block.substr(pos, eol - pos);
      if (line.rfind("event: ", 0) == 0) name = line.substr(7);
      if (line.rfind("data: ", 0) == 0) data = line.substr(6);
      if (line.rfind("retry: ", 0) == 0) subscribed_ = true;
      pos = eol + 1;
    }
    if (!name.empty()) on_event_(name, data);
  }

  boost::asio::io_context io_;
  tcp::socket socket_;
  OnEvent on_event_;
  std::atomic<bool> subscribed_{false};
  std::thread reader_;
};

}  // namespace pingan::bench

// Test-only peers for the notify integration tests: a child process runner (for the
// Python SMTP sink) and a tiny in-process HTTP/1.1 server on loopback that records
// requests and answers from a script. Every wait is bounded; destructors stop and reap.
// Header-only because the test binary is built from *_test.cc files alone.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <sys/types.h>
#include <string_view>

#include "daemon/core/text.h"

namespace pingan::testing {

// A free TCP port on 127.0.0.1 (bound, read, released).
inline int FreeLoopbackPort();

// Tries to connect to 127.0.0.1:port up to `tries` times, 50 ms apart.
inline bool WaitForPort(int port, int tries = 100);

// The Python interpreter that has aiosmtpd: $PINGAN_TEST_PYTHON, else /usr/bin/python3.
inline std::string TestPython();

// A child process started with fork/exec; SIGTERM then SIGKILL on destruction.
class ChildProcess {
 public:
  explicit ChildProcess(const std::vector<std::string>& argv);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  bool running() const { return pid_ > 0; }

 private:
  pid_t pid_ = -1;
};

struct RecordedRequest {
  std::string method;
  std::string target;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string Header(std::string_view name) const;  // case-insensitive; "" when absent
};

struct ScriptedResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body = "{}";
  bool hang = false;  // accept, read, never answer (until the server stops, at most 5 s)
};

class TestHttpServer {
 public:
  TestHttpServer();
  ~TestHttpServer();
  TestHttpServer(const TestHttpServer&) = delete;
  TestHttpServer& operator=(const TestHttpServer&) = delete;

  int port() const { return port_; }
  std::string Url(std::string_view path) const;
  // Queues the answer for the next request; with an empty queue the answer is 200 "{}".
  void Respond(ScriptedResponse response);
  std::vector<RecordedRequest> requests() const;

 private:
  void Serve();
  void Handle(int fd);

  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  mutable std::mutex mu_;
  std::deque<ScriptedResponse> script_;
  std::vector<RecordedRequest> requests_;
  std::thread thread_;
};

namespace detail {

inline int LoopbackSocket(int port, bool listen_mode) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const int rc = listen_mode ? ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr)
                             : ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  if (rc != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

inline int BoundPort(int fd) {
  sockaddr_in addr{};
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  return ntohs(addr.sin_port);
}

inline bool IEquals(std::string_view a, std::string_view b) {
  return core::EqualsIgnoreCase(a, b);
}

// Reads until `pred(buffer)` holds, EOF, or the deadline; false on timeout or error.
template <typename Pred>
bool ReadUntil(int fd, std::string& buffer, Pred pred, std::chrono::milliseconds budget) {
  const auto deadline = std::chrono::steady_clock::now() + budget;
  char chunk[4096];
  while (!pred(buffer)) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
    const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buffer.append(chunk, static_cast<size_t>(n));
  }
  return true;
}

}  // namespace detail

inline int FreeLoopbackPort() {
  const int fd = detail::LoopbackSocket(0, true);
  if (fd < 0) return -1;
  const int port = detail::BoundPort(fd);
  ::close(fd);
  return port;
}

inline bool WaitForPort(int port, int tries) {
  for (int i = 0; i < tries; ++i) {
    const int fd = detail::LoopbackSocket(port, false);
    if (fd >= 0) {
      ::close(fd);
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds{50});  // child server start-up
  }
  return false;
}

inline std::string TestPython() {
  if (const char* p = std::getenv("PINGAN_TEST_PYTHON"); p != nullptr && *p != '\0') return p;
  return ::access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : "python3";
}

inline ChildProcess::ChildProcess(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_ = ::fork();
  if (pid_ == 0) {
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
}

inline ChildProcess::~ChildProcess() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  for (int i = 0; i < 100; ++i) {  // up to 2 s for a clean exit
    if (::waitpid(pid_, nullptr, WNOHANG) == pid_) return;
    std::this_thread::sleep_for(std::chrono::milliseconds{20});
  }
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
}

inline std::string RecordedRequest::Header(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (detail::IEquals(n, name)) return v;
  }
  return "";
}

inline TestHttpServer::TestHttpServer() {
  listen_fd_ = detail::LoopbackSocket(0, true);
  if (listen_fd_ >= 0 && ::listen(listen_fd_, 16) == 0) {
    port_ = detail::BoundPort(listen_fd_);
    thread_ = std::thread([this] { Serve(); });
  }
}

inline TestHttpServer::~TestHttpServer() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  if (listen_fd_ >= 0) ::close(listen_fd_);
}

inline std::string TestHttpServer::Url(std::string_view path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + std::string(path);
}

inline void TestHttpServer::Respond(ScriptedResponse response) {
  std::lock_guard lock(mu_);
  script_.push_back(std::move(response));
}

inline std::vector<RecordedRequest> TestHttpServer::requests() const {
  std::lock_guard lock(mu_);
  return requests_;
}

inline void TestHttpServer::Serve() {
  while (!stop_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    Handle(fd);
    ::close(fd);
  }
}

inline void TestHttpServer::Handle(int fd) {
  using namespace std::chrono_literals;
  std::string in;
  auto has_head = [](const std::string& b) { return b.find("\r\n\r\n") != std::string::npos; };
  if (!detail::ReadUntil(fd, in, has_head, 2s)) return;
  const size_t head_end = in.find("\r\n\r\n");
  RecordedRequest req;
  std::string_view head(in.data(), head_end);
  const size_t line_end = head.find("\r\n");
  std::string_view line = head.substr(0, line_end);
  req.method = std::string(line.substr(0, line.find(' ')));
  line.remove_prefix(line.find(' ') + 1);
  req.target = std::string(line.substr(0, line.find(' ')));
  head.remove_prefix(std::min(head.size(), line_end + 2));
  while (!head.empty()) {
    const size_t e = std::min(head.find("\r\n"), head.size());
    const std::string_view h = head.substr(0, e);
    const size_t colon = h.find(':');
    if (colon != std::string_view::npos) {
      std::string_view v = h.substr(colon + 1);
      while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
      req.headers.emplace_back(std::string(h.substr(0, colon)), std::string(v));
    }
    head.remove_prefix(std::min(head.size(), e + 2));
  }
  const std::string length = req.Header("Content-Length");
  const size_t want = head_end + 4 + (length.empty() ? 0 : std::stoul(length));
  detail::ReadUntil(
      fd, in, [&](const std::string& b) { return b.size() >= want; }, 2s);
  req.body = in.substr(head_end + 4);
  ScriptedResponse resp;
  {
    std::lock_guard lock(mu_);
    requests_.push_back(req);
    if (!script_.empty()) {
      resp = std::move(script_.front());
      script_.pop_front();
    }
  }
  if (resp.hang) {
    for (int i = 0; i < 100 && !stop_; ++i) std::this_thread::sleep_for(50ms);
    return;
  }
  std::string out = "HTTP/1.1 " + std::to_string(resp.status) + " Scripted\r\n";
  for (const auto& [n, v] : resp.headers) out += n + ": " + v + "\r\n";
  out += "Content-Length: " + std::to_string(resp.body.size()) + "\r\nConnection: close\r\n\r\n";
  out += resp.body;
  ::send(fd, out.data(), out.size(), MSG_NOSIGNAL);
}

}  // namespace pingan::testing

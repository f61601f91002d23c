#include "daemon/console/password_worker.h"

#include <sched.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstring>

namespace pingan::console {
namespace {

// One message each way; a password longer than this is hashed in process (the login
// route's body limit bounds it anyway).
constexpr size_t kMaxMessage = 16 * 1024;
constexpr char kVerify = 'V';
constexpr char kHash = 'H';

std::atomic<PasswordWorker*> current{nullptr};
std::unique_ptr<PasswordWorker>& Owned() {
  static std::unique_ptr<PasswordWorker> owned;
  return owned;
}

void PutField(std::string& out, const std::string& field) {
  const auto n = static_cast<uint32_t>(field.size());
  out.append(reinterpret_cast<const char*>(&n), sizeof n);
  out.append(field);
}

bool TakeField(const char*& at, const char* end, std::string& field) {
  uint32_t n = 0;
  if (end - at < static_cast<std::ptrdiff_t>(sizeof n)) return false;
  std::memcpy(&n, at, sizeof n);
  at += sizeof n;
  if (end - at < static_cast<std::ptrdiff_t>(n)) return false;
  field.assign(at, n);
  at += n;
  return true;
}

// Request: op, cost, then two length-prefixed fields (hash or "", password).
// Reply: "1"/"0" for a verification, "H" + the encoded hash, or "!" for a bad request.
std::string Answer(const char* data, size_t size) {
  if (size < 2) return "!";
  const char op = data[0];
  const auto cost = static_cast<PasswordCost>(data[1]);
  const char* at = data + 2;
  std::string encoded, password;
  if (!TakeField(at, data + size, encoded) || !TakeField(at, data + size, password)) return "!";
  if (op == kVerify) return VerifyPasswordInProcess(encoded, password) ? "1" : "0";
  if (op == kHash) return "H" + HashPasswordInProcess(password, cost);
  return "!";
}

[[noreturn]] void ServeRequests(int fd, pid_t parent) {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent) ::_exit(0);  // the parent died before the line above
  // Nothing of the parent's but the socket: a pair end inherited from another worker
  // would keep that worker's child from seeing its end close.
  if (fd > 3) ::close_range(3, static_cast<unsigned>(fd) - 1, 0);
  ::close_range(static_cast<unsigned>(fd) + 1, ~0U, 0);
  const sched_param param{};
  ::sched_setscheduler(0, SCHED_IDLE, &param);
  std::string buffer(kMaxMessage, '\0');
  for (;;) {
    const ssize_t n = ::recv(fd, buffer.data(), buffer.size(), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) ::_exit(0);  // the parent closed its end, or is gone
    std::string reply;
    try {
      reply = Answer(buffer.data(), static_cast<size_t>(n));
    } catch (const std::exception&) {
      reply = "!";  // libsodium could not hash (out of memory)
    }
    if (::send(fd, reply.data(), reply.size(), MSG_NOSIGNAL) < 0) ::_exit(0);
  }
}

}  // namespace

std::unique_ptr<PasswordWorker> PasswordWorker::Start(std::string* why) {
  InitCrypto();  // before the fork: the child inherits an initialised libsodium
  int pair[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) != 0) {
    if (why) *why = std::string("socketpair: ") + std::strerror(errno);
    return nullptr;
  }
  const pid_t parent = ::getpid();
  const pid_t child = ::fork();
  if (child < 0) {
    if (why) *why = std::string("fork: ") + std::strerror(errno);
    ::close(pair[0]);
    ::close(pair[1]);
    return nullptr;
  }
  if (child == 0) {
    ::close(pair[0]);
    ServeRequests(pair[1], parent);
  }
  ::close(pair[1]);
  return std::unique_ptr<PasswordWorker>(new PasswordWorker(pair[0], child));
}

PasswordWorker::~PasswordWorker() {
  if (fd_ >= 0) ::close(fd_);  // the child sees its end close and exits
  if (child_ > 0) ::waitpid(child_, nullptr, 0);
}

std::optional<std::string> PasswordWorker::Call(const std::string& request) {
  if (request.size() > kMaxMessage) return std::nullopt;
  std::lock_guard lock(mu_);
  if (fd_ < 0) return std::nullopt;
  std::string reply(kMaxMessage, '\0');
  ssize_t n = ::send(fd_, request.data(), request.size(), MSG_NOSIGNAL);
  if (n == static_cast<ssize_t>(request.size())) {
    do {
      n = ::recv(fd_, reply.data(), reply.size(), 0);
    } while (n < 0 && errno == EINTR);
  }
  if (n <= 0) {
    spdlog::error("the password worker (pid {}) is gone: hashing in pingand's own process", child_);
    ::close(fd_);
    fd_ = -1;
    ::waitpid(child_, nullptr, 0);
    child_ = -1;
    return std::nullopt;
  }
  reply.resize(static_cast<size_t>(n));
  return reply;
}

std::optional<bool> PasswordWorker::Verify(const std::string& encoded_hash,
                                           const std::string& password) {
  std::string request{kVerify, 0};
  PutField(request, encoded_hash);
  PutField(request, password);
  const auto reply = Call(request);
  if (!reply || (*reply != "1" && *reply != "0")) return std::nullopt;
  return *reply == "1";
}

std::optional<std::string> PasswordWorker::Hash(const std::string& password, PasswordCost cost) {
  std::string request{kHash, static_cast<char>(cost)};
  PutField(request, "");
  PutField(request, password);
  const auto reply = Call(request);
  if (!reply || reply->empty() || (*reply)[0] != 'H') return std::nullopt;
  return reply->substr(1);
}

void UsePasswordWorker(std::unique_ptr<PasswordWorker> worker) {
  current.store(worker.get());
  Owned() = std::move(worker);
}

PasswordWorker* CurrentPasswordWorker() {
  return current.load();
}

}  // namespace pingan::console

#include "daemon/store/data_dir_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace pingan::store {
namespace {

// The pid the holder wrote, or "" when unreadable.
std::string HolderPid(int fd) {
  char buf[32] = {};
  const ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
  if (n <= 0) return "";
  std::string pid(buf, static_cast<size_t>(n));
  while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
  return pid.find_first_not_of("0123456789") == std::string::npos ? pid : "";
}

}  // namespace

DataDirLock::DataDirLock(const std::string& data_dir)
    : path_((std::filesystem::path(data_dir) / "pingand.lock").string()) {
  fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) {
    throw std::runtime_error("cannot open " + path_ + ": " + std::strerror(errno));
  }
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    const std::string pid = err == EWOULDBLOCK ? HolderPid(fd_) : "";
    ::close(fd_);
    fd_ = -1;
    if (err != EWOULDBLOCK) {
      throw std::runtime_error("cannot lock " + path_ + ": " + std::strerror(err));
    }
    throw std::runtime_error("another pingand" + (pid.empty() ? "" : " (pid " + pid + ")") +
                             " is running on the data directory " + data_dir + " (it holds " +
                             path_ + "); stop it first");
  }
  const std::string mine = std::to_string(::getpid()) + "\n";
  // For the message above only: the lock, not the content, is what counts.
  const bool written = ::ftruncate(fd_, 0) == 0 &&
                       ::pwrite(fd_, mine.data(), mine.size(), 0) == ssize_t(mine.size());
  (void)written;
}

DataDirLock::~DataDirLock() {
  if (fd_ >= 0) ::close(fd_);  // releases the lock
}

}  // namespace pingan::store

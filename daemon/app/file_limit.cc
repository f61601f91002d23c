#include "daemon/app/file_limit.h"

#include <sys/resource.h>

#include <cerrno>
#include <cstring>
#include <fstream>

namespace pingan::app {
namespace {

// fs.nr_open: setrlimit refuses a NOFILE limit above it (and RLIM_INFINITY).
uint64_t KernelMaximum() {
  std::ifstream in("/proc/sys/fs/nr_open");
  uint64_t value = 0;
  if (in >> value && value > 0) return value;
  return 1 << 20;  // the kernel's default
}

}  // namespace

FileLimit RaiseFileLimit() {
  FileLimit out;
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) {
    out.error = std::string("getrlimit: ") + std::strerror(errno);
    return out;
  }
  out.before = out.soft = limit.rlim_cur;
  out.hard = limit.rlim_max == RLIM_INFINITY ? KernelMaximum() : limit.rlim_max;
  if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur >= out.hard) return out;
  limit.rlim_cur = out.hard;
  if (::setrlimit(RLIMIT_NOFILE, &limit) != 0) {
    out.error = std::string("setrlimit: ") + std::strerror(errno);
    return out;
  }
  out.soft = out.hard;
  return out;
}

uint64_t OpenFileLimit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return 1024;
  return limit.rlim_cur == RLIM_INFINITY ? KernelMaximum() : limit.rlim_cur;
}

}  // namespace pingan::app

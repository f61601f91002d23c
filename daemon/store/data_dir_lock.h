// DataDirLock: one pingand per data directory. Two daemons on one directory would both
// write the same database and the second would take over control.sock, leaving the
// first unreachable; so the start takes an exclusive lock on `<data_dir>/pingand.lock`
// before it opens the store or any socket, and a second daemon stops with an error
// naming the directory and the pid that holds it.
//
// flock(2): the kernel drops the lock when the process ends however it ends (SIGKILL
// included), so a stale file never blocks a restart. Not thread-safe; held by the
// Daemon for its lifetime.
#pragma once

#include <string>

namespace pingan::store {

class DataDirLock {
 public:
  // Takes the lock; throws std::runtime_error (naming the directory, and the holder's
  // pid when it can be read) when another process holds it or it cannot be taken.
  explicit DataDirLock(const std::string& data_dir);
  ~DataDirLock();
  DataDirLock(const DataDirLock&) = delete;
  DataDirLock& operator=(const DataDirLock&) = delete;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
  int fd_ = -1;
};

}  // namespace pingan::store

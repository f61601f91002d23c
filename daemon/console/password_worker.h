// PasswordWorker: Argon2id in a child process of its own.
//
// Why a process: Argon2id is memory-hard. Each verification maps 64 MiB, faults in its
// 16,384 pages and unmaps them again. Inside the daemon that takes the address space's
// lock and flushes the TLBs of the cores that run the io and writer threads: a flood of
// wrong passwords made report acks 4–5x slower at p99 although the hashing thread ran
// under SCHED_IDLE, while a CPU-only stand-in of the same length cost 1.5x
// (intake_isolation_bench, docs/performance.md). In a child the memory traffic stays in
// another address space, and the child runs under SCHED_IDLE too.
//
// Start() forks: call it before the process has any thread (pingand's main does, first
// thing). The child only answers requests — one SOCK_SEQPACKET message each way over a
// socket pair — and dies with its parent (PR_SET_PDEATHSIG) or when the pair closes.
// Should the child be gone, Verify and Hash return nullopt and the caller hashes in its
// own process (password.cc does, saying so once in the log).
//
// Threading: Verify and Hash may be called from any thread; a mutex keeps one request
// in flight (the daemon hashes on one pool thread anyway).
#pragma once

#include <sys/types.h>

#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "daemon/console/password.h"

namespace pingan::console {

class PasswordWorker {
 public:
  // Forks the child; nullptr (and errno-based `why`) when that fails.
  static std::unique_ptr<PasswordWorker> Start(std::string* why = nullptr);
  ~PasswordWorker();
  PasswordWorker(const PasswordWorker&) = delete;
  PasswordWorker& operator=(const PasswordWorker&) = delete;

  // As VerifyPassword / HashPassword, computed by the child; nullopt when the child is
  // gone or the request is too large for one message.
  std::optional<bool> Verify(const std::string& encoded_hash, const std::string& password);
  std::optional<std::string> Hash(const std::string& password, PasswordCost cost);

  pid_t child() const { return child_; }

 private:
  PasswordWorker(int fd, pid_t child) : fd_(fd), child_(child) {}
  // One request, one reply; nullopt when the child is gone (then it is reaped).
  std::optional<std::string> Call(const std::string& request);

  std::mutex mu_;
  int fd_;
  pid_t child_;
};

// Routes HashPassword and VerifyPassword of this process through `worker` (nullptr: in
// process again). Set it before threads hash, and keep it until they are done.
void UsePasswordWorker(std::unique_ptr<PasswordWorker> worker);
PasswordWorker* CurrentPasswordWorker();

}  // namespace pingan::console

// WorkerPool: a few threads that run the slow parts of requests (SQLite reads, Argon2id
// password hashing, exports) so that the io thread only moves bytes.
//
// Bounded on purpose: TryPost refuses a job once `max_queued` jobs wait, and the caller
// answers "busy" (HTTP 503 with Retry-After) instead of letting a flood of requests
// from outside grow memory and latency without limit. Post never refuses; it is for
// work the daemon itself makes (event publishing), which is bounded by its sources.
// A job that throws is logged and dropped; the pool goes on.
//
// Threading: TryPost, Post and queued() may be called from any thread. Stop() (also
// run by the destructor) finishes the jobs that are running, drops those still queued
// and joins the threads; call it from a thread that is not one of the pool's.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace pingan::console {

class WorkerPool {
 public:
  using Job = std::function<void()>;

  // How much CPU the pool's threads may take from the io and writer threads (Linux
  // applies both per thread).
  enum class Priority {
    kNormal,
    // nice 5: on a busy machine they yield to report intake, on an idle one they run
    // at full speed.
    kBelowNormal,
    // SCHED_IDLE: they run only on a core nothing else wants, and any waking thread of
    // the daemon preempts them at once. For work an outsider can make without limit
    // (Argon2id for every login attempt), so that a flood of it never delays an ack.
    kIdle,
  };

  // `threads` >= 1. `name` (at most 15 characters are kept) names the threads, as
  // `top -H` and `perf` show them.
  WorkerPool(std::string name, size_t threads, size_t max_queued,
             Priority priority = Priority::kNormal);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Queues `job`; false (and `job` is not run) when max_queued jobs already wait or the
  // pool is stopped.
  bool TryPost(Job job);
  // Queues `job` regardless of the bound (dropped only when the pool is stopped).
  void Post(Job job);
  // Blocks until no job is queued or running. For tests and orderly shutdown.
  void WaitIdle();
  void Stop();

  size_t queued() const;
  bool stopping() const;
  size_t max_queued() const { return max_queued_; }
  const std::string& name() const { return name_; }

 private:
  void Run(Priority priority);
  void LowerPriority(Priority priority) const;

  const std::string name_;
  const size_t max_queued_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::condition_variable idle_;
  std::deque<Job> jobs_;
  size_t running_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace pingan::console

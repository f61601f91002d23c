#include "daemon/console/worker_pool.h"

#include "daemon/core/thread_name.h"

#include <pthread.h>
#include <sched.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <exception>

namespace pingan::console {

WorkerPool::WorkerPool(std::string name, size_t threads, size_t max_queued, Priority priority)
    : name_(std::move(name)), max_queued_(max_queued) {
  threads_.reserve(threads);
  for (size_t i = 0; i < std::max<size_t>(threads, 1); ++i) {
    threads_.emplace_back([this, priority] { Run(priority); });
    core::NameThread(threads_.back(), name_);
  }
}

WorkerPool::~WorkerPool() {
  Stop();
}

bool WorkerPool::TryPost(Job job) {
  {
    std::lock_guard lock(mu_);
    if (stopping_ || jobs_.size() >= max_queued_) return false;
    jobs_.push_back(std::move(job));
  }
  wake_.notify_one();
  return true;
}

void WorkerPool::Post(Job job) {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    jobs_.push_back(std::move(job));
  }
  wake_.notify_one();
}

void WorkerPool::WaitIdle() {
  std::unique_lock lock(mu_);
  idle_.wait(lock, [this] { return jobs_.empty() && running_ == 0; });
}

void WorkerPool::Stop() {
  std::deque<Job> dropped;
  {
    std::lock_guard lock(mu_);
    if (stopping_ && threads_.empty()) return;
    stopping_ = true;
    dropped.swap(jobs_);
  }
  wake_.notify_all();
  for (std::thread& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
  idle_.notify_all();
  // `dropped` is destroyed here, outside the lock: a job may own a connection whose
  // destructor does work.
}

bool WorkerPool::stopping() const {
  std::lock_guard lock(mu_);
  return stopping_;
}

size_t WorkerPool::queued() const {
  std::lock_guard lock(mu_);
  return jobs_.size();
}

// Lowering one's own priority needs no privilege; a refusal (a seccomp filter, say)
// leaves the pool working at normal priority, which is noted once per thread.
void WorkerPool::LowerPriority(Priority priority) const {
  if (priority == Priority::kBelowNormal) {
    // Linux applies nice per thread (the thread id as "process" of PRIO_PROCESS); five
    // steps below the daemon's own, wherever the operator set that.
    const auto tid = static_cast<id_t>(::syscall(SYS_gettid));
    const int nice = std::min(::getpriority(PRIO_PROCESS, tid) + 5, 19);
    if (::setpriority(PRIO_PROCESS, tid, nice) != 0) {
      spdlog::warn("{}: could not lower the thread's priority", name_);
    }
  } else if (priority == Priority::kIdle) {
    const sched_param param{};  // SCHED_IDLE takes priority 0
    if (::sched_setscheduler(0, SCHED_IDLE, &param) != 0) {
      spdlog::warn("{}: could not move the thread to SCHED_IDLE", name_);
    }
  }
}

void WorkerPool::Run(Priority priority) {
  LowerPriority(priority);
  for (;;) {
    Job job;
    {
      std::unique_lock lock(mu_);
      wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      if (stopping_) return;
      job = std::move(jobs_.front());
      jobs_.pop_front();
      ++running_;
    }
    try {
      job();
    } catch (const std::exception& e) {
      spdlog::error("{}: a job failed: {}", name_, e.what());
    } catch (...) {
      spdlog::error("{}: a job failed", name_);
    }
    job = nullptr;  // release what it captured before counting it done
    std::lock_guard lock(mu_);
    --running_;
    if (jobs_.empty() && running_ == 0) idle_.notify_all();
  }
}

}  // namespace pingan::console

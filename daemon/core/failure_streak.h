// FailureStreak: which failures of a run of them deserve a log line. A full disk makes
// every batch of reports fail until space returns (thousands a minute); the log must
// say so at once and say when it ends, not write one line per batch (which also fills
// the disk). The first failure of a streak is logged, then every `every`-th, and the
// end of the streak once, with its length.
//
// Pure and tiny; not thread-safe (one owner: the store's writer thread).
#pragma once

#include <cstdint>

namespace pingan::core {

class FailureStreak {
 public:
  explicit FailureStreak(uint64_t every = 1000) : every_(every == 0 ? 1 : every) {}

  // Counts a failure; true when this one should be logged.
  bool Fail() { return failures_++ % every_ == 0; }
  // Ends the streak; the failures it had (0: there was none, nothing to log).
  uint64_t Succeed() {
    const uint64_t had = failures_;
    failures_ = 0;
    return had;
  }
  uint64_t failures() const { return failures_; }

 private:
  uint64_t every_;
  uint64_t failures_ = 0;
};

}  // namespace pingan::core

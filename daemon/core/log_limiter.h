// LogLimiter: decides which of many similar log lines get written, so that nobody
// outside can flood the daemon's log (or its disk) by repeating what gets logged.
//
// Lines are grouped by a key naming who caused them and why ("rejected bad_report_id
// from sch-a"). Per key, the first `per_key` lines of each window (a minute) are
// written and the rest counted; when the key's window ends, one summary ("N more")
// is owed. Over all keys at most `total` lines per window are written, summaries
// included; what is over that budget is folded into one summary for the window. So
// one window yields at most total + 1 lines, however many peers take part. At most
// `max_keys` keys are remembered; a new key evicts the one whose window is oldest
// (owing its summary early), so memory stays bounded too.
//
// Pure: time is an argument (callers pass a core::Clock's Now). Not thread-safe; one
// owner (in the daemon: the io thread).
#pragma once

#include <cstdint>
#include <list>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "daemon/core/clock.h"

namespace pingan::core {

struct LogLimits {
  int per_key = 5;  // lines written per key and window
  int total = 100;  // lines written per window over all keys, summaries included
  Millis window = std::chrono::minutes{1};
  size_t max_keys = 4096;
};

// A summary owed: `count` lines of `key` were not written. An empty key stands for
// lines over the total budget, whatever their key.
struct SuppressedLines {
  std::string key;
  uint64_t count = 0;
};

class LogLimiter {
 public:
  explicit LogLimiter(LogLimits limits = {});

  // Counts one line for `key` at `now`; true when it should be written.
  bool Allow(std::string_view key, Instant now);
  // The summaries to write now: keys whose window ended by `now` (or that were
  // evicted) and had lines suppressed, and the over-budget total of a window that
  // ended. Call after Allow and now and then (a timer), so a flood that stopped is
  // still summarised.
  std::vector<SuppressedLines> TakeSummaries(Instant now);

  size_t keys() const { return index_.size(); }
  // Nothing remembered and no summary owed now or later.
  bool idle() const {
    return index_.empty() && owed_.empty() && ready_.empty() && total_suppressed_ == 0;
  }
  // Lines not written since construction (summaries not counted).
  uint64_t suppressed() const { return suppressed_; }

 private:
  struct Entry {
    std::string key;
    Instant start;
    int written = 0;
    uint64_t suppressed = 0;
  };
  // Expires ended windows, decides which owed summaries are written (budget) and
  // rolls the overall window: the lines to write go to ready_.
  void Settle(Instant now);
  void Expire(Instant now);
  void DropFront();

  LogLimits limits_;
  std::list<Entry> entries_;  // by window start, oldest first
  // Views into the entries' own keys (list nodes never move).
  std::unordered_map<std::string_view, std::list<Entry>::iterator> index_;
  std::vector<SuppressedLines> owed_;   // summaries due, budget not yet decided
  std::vector<SuppressedLines> ready_;  // summaries to write
  Instant total_start_{};
  int total_written_ = 0;
  uint64_t total_suppressed_ = 0;  // lines of folded summaries in this window
  uint64_t suppressed_ = 0;
};

}  // namespace pingan::core

#include "daemon/core/log_limiter.h"

namespace pingan::core {

LogLimiter::LogLimiter(LogLimits limits) : limits_(limits) {}

void LogLimiter::Settle(Instant now) {
  Expire(now);
  // Summaries owed spend the budget of the window in which they fall due; a spent
  // budget folds them into that window's one overall line.
  for (SuppressedLines& s : owed_) {
    if (total_written_ < limits_.total) {
      ++total_written_;
      ready_.push_back(std::move(s));
    } else {
      total_suppressed_ += s.count;
    }
  }
  owed_.clear();
  if (now < total_start_ + limits_.window) return;
  if (total_suppressed_ > 0) ready_.push_back({"", total_suppressed_});
  total_start_ = now;
  total_written_ = 0;
  total_suppressed_ = 0;
}

void LogLimiter::DropFront() {
  Entry& oldest = entries_.front();
  if (oldest.suppressed > 0) owed_.push_back({oldest.key, oldest.suppressed});
  index_.erase(oldest.key);
  entries_.pop_front();
}

void LogLimiter::Expire(Instant now) {
  while (!entries_.empty() && entries_.front().start + limits_.window <= now) DropFront();
}

bool LogLimiter::Allow(std::string_view key, Instant now) {
  Settle(now);
  auto it = index_.find(key);
  if (it == index_.end()) {
    if (index_.size() >= limits_.max_keys && !entries_.empty()) DropFront();
    entries_.push_back(Entry{std::string(key), now});
    it = index_.emplace(entries_.back().key, std::prev(entries_.end())).first;
  }
  Entry& entry = *it->second;
  if (entry.written < limits_.per_key && total_written_ < limits_.total) {
    ++entry.written;
    ++total_written_;
    return true;
  }
  ++entry.suppressed;  // its summary (or the overall line) accounts for it
  ++suppressed_;
  return false;
}

std::vector<SuppressedLines> LogLimiter::TakeSummaries(Instant now) {
  Settle(now);
  std::vector<SuppressedLines> out;
  out.swap(ready_);
  return out;
}

}  // namespace pingan::core

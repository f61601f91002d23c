// RateLimiter: a token bucket per key (in the daemon: per school), so that one broken
// or hostile agent cannot take the store's throughput from every other school.
//
// Each key may spend `burst` reports at once and then `per_second` on average; the
// bucket arithmetic is the outbox's (core::TakeToken). A key unseen, or idle long
// enough to have refilled, is indistinguishable from a full bucket, so full buckets
// may be forgotten: at `max_keys` the full ones are dropped (and if none is, all are;
// the limits then restart generous), which bounds memory whoever sends.
//
// Pure: time is an argument; a clock running backwards refills nothing. Not
// thread-safe; one owner (in the daemon: the io thread).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

#include "daemon/core/clock.h"
#include "daemon/core/delivery_policy.h"

namespace pingan::core {

// A report rate as configured (ingest.per_school_rate, ingest.per_school_burst).
struct ReportRate {
  int64_t per_second = 20;  // reports per second on average (at most 1000)
  int64_t burst = 200;      // reports at once after a quiet spell
};

class RateLimiter {
 public:
  explicit RateLimiter(ReportRate rate, size_t max_keys = 100000);

  // Spends one report for `key` at `now`; false (and nothing spent) when its bucket
  // is empty.
  bool Take(std::string_view key, Instant now);
  size_t keys() const { return buckets_.size(); }

 private:
  bool IsFull(const TokenBucket& bucket, Instant now) const;
  void MakeRoom(Instant now);

  RateLimit limit_;
  size_t max_keys_;
  std::unordered_map<std::string, TokenBucket> buckets_;
};

}  // namespace pingan::core

#include "daemon/core/rate_limiter.h"

#include <algorithm>

namespace pingan::core {

RateLimiter::RateLimiter(ReportRate rate, size_t max_keys)
    : limit_{static_cast<double>(std::max<int64_t>(rate.burst, 1)),
             Millis{1000 / std::clamp<int64_t>(rate.per_second, 1, 1000)}},
      max_keys_(std::max<size_t>(max_keys, 1)) {}

bool RateLimiter::IsFull(const TokenBucket& bucket, Instant now) const {
  const RateDecision d = TakeToken(bucket, limit_, now);
  return d.allowed && d.bucket.tokens + 1.0 >= limit_.burst;
}

void RateLimiter::MakeRoom(Instant now) {
  std::erase_if(buckets_, [&](const auto& entry) { return IsFull(entry.second, now); });
  if (buckets_.size() >= max_keys_) buckets_.clear();
}

bool RateLimiter::Take(std::string_view key, Instant now) {
  auto it = buckets_.find(std::string(key));
  if (it == buckets_.end()) {
    if (buckets_.size() >= max_keys_) MakeRoom(now);
    it = buckets_.emplace(std::string(key), TokenBucket{}).first;  // starts full
  }
  const RateDecision d = TakeToken(it->second, limit_, now);
  it->second = d.bucket;
  return d.allowed;
}

}  // namespace pingan::core

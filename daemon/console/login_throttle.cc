#include "daemon/console/login_throttle.h"

#include <algorithm>

namespace pingan::console {

core::Millis LoginThrottle::Wait(const std::string& key, core::Instant now) const {
  auto it = entries_.find(key);
  if (it == entries_.end() || it->second.locked_until <= now) return core::Millis{0};
  return it->second.locked_until - now;
}

core::Millis LoginThrottle::RetryAfter(const std::string& user, const std::string& address,
                                       core::Instant now) const {
  return std::max(Wait("user:" + user, now), Wait("addr:" + address, now));
}

void LoginThrottle::Fail(const std::string& key, core::Instant now) {
  Entry& e = entries_[key];
  ++e.failures;
  e.last_failure = now;
  const int extra = e.failures - options_.free_failures;
  if (extra <= 0) return;
  core::Millis lock = options_.base_lockout;
  for (int i = 1; i < extra && lock < options_.max_lockout; ++i) lock *= 2;
  e.locked_until = now + std::min(lock, options_.max_lockout);
}

void LoginThrottle::Forget(core::Instant now) {
  // Bounded memory against address scans: idle entries go after a day.
  std::erase_if(entries_, [now](const auto& kv) {
    return kv.second.locked_until <= now && now - kv.second.last_failure > std::chrono::hours{24};
  });
}

void LoginThrottle::RecordFailure(const std::string& user, const std::string& address,
                                  core::Instant now) {
  Forget(now);
  Fail("user:" + user, now);
  Fail("addr:" + address, now);
}

void LoginThrottle::RecordSuccess(const std::string& user, const std::string& address) {
  entries_.erase("user:" + user);
  entries_.erase("addr:" + address);
}

}  // namespace pingan::console

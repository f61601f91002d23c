// LoginThrottle: slows password guessing, per user name and per client address.
//
// After `free_failures` consecutive failures on a key, each further failure locks the
// key for base * 2^(extra failures - 1), capped at `max_lockout`. A success clears the
// keys it used. Time comes from the caller (an injected clock), so tests move it by
// hand. Entries idle for a day are forgotten. Single-threaded (the io thread).
#pragma once

#include <map>
#include <string>

#include "daemon/core/clock.h"

namespace pingan::console {

struct ThrottleOptions {
  int free_failures = 5;
  core::Millis base_lockout = std::chrono::seconds{30};
  core::Millis max_lockout = std::chrono::minutes{15};
};

class LoginThrottle {
 public:
  explicit LoginThrottle(ThrottleOptions options) : options_(options) {}

  // How long a login for these keys must still wait (0 = may try now).
  core::Millis RetryAfter(const std::string& user, const std::string& address,
                          core::Instant now) const;
  void RecordFailure(const std::string& user, const std::string& address, core::Instant now);
  void RecordSuccess(const std::string& user, const std::string& address);

 private:
  struct Entry {
    int failures = 0;
    core::Instant locked_until{};
    core::Instant last_failure{};
  };
  core::Millis Wait(const std::string& key, core::Instant now) const;
  void Fail(const std::string& key, core::Instant now);
  void Forget(core::Instant now);

  ThrottleOptions options_;
  std::map<std::string, Entry> entries_;
};

}  // namespace pingan::console

// LoginThrottle: slows password guessing without letting a guesser lock a user out.
//
// Three kinds of key, each answering a different attack:
//
//  * (user, address): guessing one user's password from one place. After
//    `free_failures` failures each further failure locks this pair for
//    base * 2^(extra failures - 1), capped at `max_lockout`. Only this pair is locked:
//    the same user from another address is not affected. A success clears the pair.
//  * address: one place spraying many user names (or the same wrong password at every
//    account). After `address_free_failures` failures from the address, whatever the
//    names, the address is locked the same exponential way for every name. It is the
//    only key that can refuse someone without failures of their own, and only someone
//    who shares the guesser's address (a NAT, or a reverse proxy whose clients are not
//    told apart: see http.trusted_proxies), so its threshold is high. A success does
//    NOT clear it: otherwise a guesser with one account of their own could reset it.
//  * user: many places guessing one user (a botnet). It never locks; it slows. When
//    more than `user_failures_per_minute` failures for the user arrived within the
//    current minute (from all addresses together), attempts for that user are refused
//    from every address that has failures of its own for that user, until the minute
//    is over. An address without such failures is still verified, so a botnet gets at
//    most one guess per address per minute while the right user, from the address
//    they always use, signs in.
//
// The guarantee: the right password from an address that has no recent failures (for
// that user, and fewer than `address_free_failures` in all) is never refused, whatever
// happens at other addresses.
//
// Memory: each table keeps at most `max_entries` keys; a new key evicts the one whose
// last failure is oldest, and keys without failures for a day are forgotten. Failures
// can only be recorded as fast as the (single-threaded, Argon2id) hash pool verifies
// passwords, a few dozen a second, so the default cap holds several minutes of
// failures: a lockout is evicted only after a flood that size, and a flood needs many
// addresses, each of which the address key slows.
//
// Time comes from the caller (an injected clock), so tests move it by hand.
// Threading: not thread-safe; the AuthService calls it with its mutex held.
#pragma once

#include <list>
#include <string>
#include <string_view>
#include <unordered_map>

#include "daemon/core/clock.h"

namespace pingan::console {

struct ThrottleOptions {
  int free_failures = 5;  // per (user, address)
  core::Millis base_lockout = std::chrono::seconds{30};
  core::Millis max_lockout = std::chrono::minutes{15};
  int address_free_failures = 30;     // per address, over all user names
  int user_failures_per_minute = 10;  // per user, over all addresses: beyond it, slowed
  size_t max_entries = 20000;         // per table (pairs, addresses, users)
};

// Why an attempt must wait, and how long (0 = may try now).
struct ThrottleVerdict {
  core::Millis retry_after{0};
  std::string_view reason;  // "user_address", "address", "user_rate"; "" when allowed
  bool refused() const { return retry_after.count() > 0; }
};

class LoginThrottle {
 public:
  explicit LoginThrottle(ThrottleOptions options) : options_(options) {}

  ThrottleVerdict Check(const std::string& user, const std::string& address,
                        core::Instant now) const;
  void RecordFailure(const std::string& user, const std::string& address, core::Instant now);
  void RecordSuccess(const std::string& user, const std::string& address);

  // Keys held, over all tables (for tests of the memory bound).
  size_t size() const { return pairs_.size() + addresses_.size() + users_.size(); }

 private:
  struct Entry {
    int failures = 0;
    core::Instant locked_until{};
    core::Instant last_failure{};
    core::Instant minute_start{};  // users: the minute being counted
    int minute_failures = 0;
  };
  // Keys with their entries, oldest failure last, at most `cap` of them.
  class Table {
   public:
    explicit Table(size_t cap) : cap_(cap) {}
    const Entry* Find(const std::string& key) const;
    // The key's entry, moved to the front (created when absent, evicting the oldest).
    Entry& Touch(const std::string& key, core::Instant now);
    void Erase(const std::string& key);
    size_t size() const { return map_.size(); }

   private:
    using Order = std::list<std::string>;
    size_t cap_;
    Order order_;  // front: newest failure
    std::unordered_map<std::string, std::pair<Entry, Order::iterator>> map_;
  };

  void Lock(Entry& e, int free_failures, core::Instant now) const;

  ThrottleOptions options_;
  Table pairs_{options_.max_entries};
  Table addresses_{options_.max_entries};
  Table users_{options_.max_entries};
};

}  // namespace pingan::console

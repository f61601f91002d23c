#include "daemon/console/login_throttle.h"

#include <algorithm>

namespace pingan::console {
namespace {

constexpr core::Millis kMinute = std::chrono::minutes{1};
// Keys without failures for this long are forgotten (unless still locked).
constexpr core::Millis kIdle = std::chrono::hours{24};
// No valid user name is longer; longer ones (which can only fail) are kept short so
// that a key costs little memory whatever a request sends.
constexpr size_t kMaxNameInKey = 64;

std::string UserKey(const std::string& user) {
  if (user.size() <= kMaxNameInKey) return user;
  return user.substr(0, kMaxNameInKey) + "...(" + std::to_string(user.size()) + ")";
}

// Length-prefixed, so that no user name and address can be mistaken for another pair.
std::string PairKey(const std::string& user, const std::string& address) {
  const std::string name = UserKey(user);
  return std::to_string(name.size()) + ":" + name + "@" + address;
}

}  // namespace

const LoginThrottle::Entry* LoginThrottle::Table::Find(const std::string& key) const {
  auto it = map_.find(key);
  return it == map_.end() ? nullptr : &it->second.first;
}

LoginThrottle::Entry& LoginThrottle::Table::Touch(const std::string& key, core::Instant now) {
  // Forget what has been quiet for a day (the oldest are at the back).
  while (!order_.empty()) {
    const Entry& oldest = map_.at(order_.back()).first;
    if (now - oldest.last_failure <= kIdle || oldest.locked_until > now) break;
    map_.erase(order_.back());
    order_.pop_back();
  }
  if (auto it = map_.find(key); it != map_.end()) {
    order_.splice(order_.begin(), order_, it->second.second);
    return it->second.first;
  }
  // Bounded: the key with the oldest failure makes room.
  if (cap_ > 0 && map_.size() >= cap_) {
    map_.erase(order_.back());
    order_.pop_back();
  }
  order_.push_front(key);
  return map_.emplace(key, std::pair{Entry{}, order_.begin()}).first->second.first;
}

void LoginThrottle::Table::Erase(const std::string& key) {
  auto it = map_.find(key);
  if (it == map_.end()) return;
  order_.erase(it->second.second);
  map_.erase(it);
}

void LoginThrottle::Lock(Entry& e, int free_failures, core::Instant now) const {
  const int extra = e.failures - free_failures;
  if (extra <= 0) return;
  core::Millis lock = options_.base_lockout;
  for (int i = 1; i < extra && lock < options_.max_lockout; ++i) lock *= 2;
  e.locked_until = now + std::min(lock, options_.max_lockout);
}

ThrottleVerdict LoginThrottle::Check(const std::string& user, const std::string& address,
                                     core::Instant now) const {
  const Entry* pair = pairs_.Find(PairKey(user, address));
  if (pair != nullptr && pair->locked_until > now) {
    return {pair->locked_until - now, "user_address"};
  }
  const Entry* addr = addresses_.Find(address);
  if (addr != nullptr && addr->locked_until > now) return {addr->locked_until - now, "address"};
  // The per-user ceiling only slows addresses that have been guessing this user
  // recently; an address with no recent failures for the user is always verified.
  const Entry* u = users_.Find(UserKey(user));
  const bool guessing_here =
      pair != nullptr && pair->failures > 0 && now - pair->last_failure <= options_.max_lockout;
  if (u != nullptr && guessing_here && now < u->minute_start + kMinute &&
      u->minute_failures > options_.user_failures_per_minute) {
    return {u->minute_start + kMinute - now, "user_rate"};
  }
  return {};
}

void LoginThrottle::RecordFailure(const std::string& user, const std::string& address,
                                  core::Instant now) {
  Entry& pair = pairs_.Touch(PairKey(user, address), now);
  ++pair.failures;
  pair.last_failure = now;
  Lock(pair, options_.free_failures, now);

  Entry& addr = addresses_.Touch(address, now);
  ++addr.failures;
  addr.last_failure = now;
  Lock(addr, options_.address_free_failures, now);

  Entry& u = users_.Touch(UserKey(user), now);
  if (now >= u.minute_start + kMinute) {
    u.minute_start = now;
    u.minute_failures = 0;
  }
  ++u.minute_failures;
  ++u.failures;
  u.last_failure = now;
}

void LoginThrottle::RecordSuccess(const std::string& user, const std::string& address) {
  // Only the pair: the address key would otherwise be reset by a guesser who signs in
  // to an account of their own between guesses, and the user key never locks anyone.
  pairs_.Erase(PairKey(user, address));
}

}  // namespace pingan::console

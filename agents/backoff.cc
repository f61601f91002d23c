#include "agents/backoff.h"

#include <sodium.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace pingan::agent {

SodiumRandom::SodiumRandom() {
  // Idempotent and thread-safe; randombytes_* would also initialise on first use.
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
}

double SodiumRandom::Uniform01() {
  uint64_t bits = 0;
  randombytes_buf(&bits, sizeof bits);
  // 53 random bits make every representable double in [0, 1) with this spacing.
  return static_cast<double>(bits >> 11) * (1.0 / 9007199254740992.0);
}

core::Millis BackoffCeiling(const BackoffPolicy& policy, int attempt, core::Millis previous) {
  const double min = static_cast<double>(policy.min.count());
  const double max = static_cast<double>(std::max(policy.max, policy.min).count());
  const double factor = std::max(1.0, policy.factor);
  double ceiling = min;
  if (policy.jitter == Jitter::kFull) {
    // pow() could overflow to inf for large attempt counts; min() then caps it.
    ceiling = min * std::pow(factor, std::max(0, attempt - 1));
  } else {
    ceiling = std::max(min, static_cast<double>(previous.count())) * factor;
  }
  return core::Millis{static_cast<int64_t>(std::clamp(ceiling, min, max))};
}

core::Millis BackoffDelay(const BackoffPolicy& policy, int attempt, core::Millis previous,
                          RandomSource& random) {
  const int64_t low = policy.min.count();
  const int64_t high = BackoffCeiling(policy, attempt, previous).count();
  const double draw = std::clamp(random.Uniform01(), 0.0, 1.0);
  const auto span = static_cast<double>(high - low);
  return core::Millis{std::min(high, low + static_cast<int64_t>(draw * span))};
}

std::string CheckBackoffPolicy(const BackoffPolicy& policy) {
  if (policy.min.count() <= 0) return "backoff minimum must be positive";
  if (policy.max < policy.min) return "backoff maximum must not be below the minimum";
  if (!(policy.factor >= 1.0) || !std::isfinite(policy.factor)) {
    return "backoff factor must be a number >= 1";
  }
  return "";
}

}  // namespace pingan::agent

// Backoff: how long an agent waits before resending a report or reconnecting.
//
// Exponential growth from `min` by `factor` per attempt, capped at `max`, with jitter so
// that half a million schools whose daemon came back at the same moment do not all
// resend at the same moment. Two jitter styles (see the AWS architecture blog post
// "Exponential Backoff And Jitter"):
//   full          uniform in [min, min(max, min * factor^(attempt-1))]
//   decorrelated  uniform in [min, min(max, previous * factor)]   (previous >= min)
// The random source is injected so tests are deterministic. BackoffDelay is a pure
// function of its arguments and the random draw; RandomSource implementations are not
// thread-safe (one per thread or per Sender).
#pragma once

#include <cstdint>
#include <memory>
#include <random>
#include <string>

#include "daemon/core/clock.h"

namespace pingan::agent {

// Uniform doubles in [0, 1).
class RandomSource {
 public:
  virtual ~RandomSource() = default;
  virtual double Uniform01() = 0;
};

// libsodium's CSPRNG: unpredictable, so agents started together do not stay in step.
class SodiumRandom final : public RandomSource {
 public:
  SodiumRandom();
  double Uniform01() override;
};

// A seeded Mersenne twister: reproducible sequences for tests and benchmarks.
class SeededRandom final : public RandomSource {
 public:
  explicit SeededRandom(uint64_t seed) : engine_(seed) {}
  double Uniform01() override { return std::uniform_real_distribution<double>(0.0, 1.0)(engine_); }

 private:
  std::mt19937_64 engine_;
};

enum class Jitter { kFull, kDecorrelated };

struct BackoffPolicy {
  core::Millis min{1000};
  core::Millis max{std::chrono::minutes{5}};
  double factor = 2.0;  // >= 1
  Jitter jitter = Jitter::kFull;
};

// The delay before attempt number `attempt` + 1, after `attempt` (>= 1) failed ones.
// `previous` is the delay chosen last time (0 when none); decorrelated jitter grows from
// it. The result always lies in [policy.min, policy.max].
core::Millis BackoffDelay(const BackoffPolicy& policy, int attempt, core::Millis previous,
                          RandomSource& random);

// The upper bound BackoffDelay may draw from for this attempt (no randomness); useful
// to explain a schedule and to test the bounds.
core::Millis BackoffCeiling(const BackoffPolicy& policy, int attempt, core::Millis previous);

// "" when the policy is usable, otherwise what is wrong with it.
std::string CheckBackoffPolicy(const BackoffPolicy& policy);

}  // namespace pingan::agent

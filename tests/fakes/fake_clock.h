// FakeClock: a Clock that tests move by hand. Thread-safe.
#pragma once

#include <atomic>

#include "daemon/core/clock.h"

namespace pingan::testing {

class FakeClock final : public core::Clock {
 public:
  explicit FakeClock(core::Instant start) : now_ms_(core::ToUnixMillis(start)) {}
  core::Instant Now() const override { return core::FromUnixMillis(now_ms_.load()); }
  void Advance(core::Millis by) { now_ms_ += by.count(); }
  void Set(core::Instant t) { now_ms_ = core::ToUnixMillis(t); }

 private:
  std::atomic<int64_t> now_ms_;
};

}  // namespace pingan::testing

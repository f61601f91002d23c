// SystemClock: the production Clock, reading std::chrono::system_clock. Thread-safe.
#pragma once

#include "daemon/core/clock.h"

namespace pingan::core {

class SystemClock final : public Clock {
 public:
  Instant Now() const override {
    return std::chrono::time_point_cast<Millis>(std::chrono::system_clock::now());
  }
};

}  // namespace pingan::core

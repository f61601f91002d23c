// SystemClock: the production Clock, reading std::chrono::system_clock. Thread-safe.
#pragma once

#include "daemon/core/clock.h"

namespace pingan::app {

class SystemClock final : public core::Clock {
 public:
  core::Instant Now() const override {
    return std::chrono::time_point_cast<core::Millis>(std::chrono::system_clock::now());
  }
};

}  // namespace pingan::app

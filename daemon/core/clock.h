// Clock: the one source of "now" for pingan.
//
// Everything that needs the time receives a Clock& (or a plain Instant argument, in
// pure logic). Production wires SystemClock, tests a FakeClock they move by hand, and
// the daemon can run on a DrillClock for rehearsals. Implementations must be safe to
// call from any thread.
#pragma once

#include <chrono>

namespace pingan::core {

// A UTC instant with millisecond resolution; what pingan persists and compares.
using Instant = std::chrono::sys_time<std::chrono::milliseconds>;
using Millis = std::chrono::milliseconds;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual Instant Now() const = 0;
};

inline int64_t ToUnixMillis(Instant t) {
  return t.time_since_epoch().count();
}
inline Instant FromUnixMillis(int64_t ms) {
  return Instant{Millis{ms}};
}

}  // namespace pingan::core

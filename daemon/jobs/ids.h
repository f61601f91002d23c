// NewId: time-ordered unique ids (UUIDv7 text) for alerts and other daemon-made rows,
// with randomness from libsodium. Thread-safe.
#pragma once

#include <sodium.h>

#include <string>

#include "daemon/core/uuid.h"

namespace pingan::jobs {

inline std::string NewId(core::Instant now) {
  std::array<uint8_t, 10> random{};
  randombytes_buf(random.data(), random.size());
  return core::FormatUuid(core::MakeUuidV7(now, random));
}

}  // namespace pingan::jobs

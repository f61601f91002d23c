// UUIDs for report ids: canonical text form, parsing, and UUIDv7 construction.
//
// UUIDv7 (RFC 9562) puts a 48-bit Unix-millisecond timestamp first, so ids made over
// time sort in time order and SQLite's primary-key index grows at its end. Pure: the
// caller passes the instant and the random bytes. Thread-compatible.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "daemon/core/clock.h"

namespace pingan::core {

using UuidBytes = std::array<uint8_t, 16>;

// 74 random bits are used from `random` (10 bytes); version and variant are set.
UuidBytes MakeUuidV7(Instant now, const std::array<uint8_t, 10>& random);
std::string FormatUuid(const UuidBytes& bytes);  // 8-4-4-4-12 lowercase hex
// Accepts only the canonical lowercase 36-character form.
std::optional<UuidBytes> ParseUuid(std::string_view text);
bool IsCanonicalUuid(std::string_view text);
// Canonical, version 7 and the RFC 9562 variant (10xx): what a report id must be.
bool IsUuidV7(std::string_view text);
// The timestamp of a UUIDv7 (undefined for other versions).
Instant UuidV7Time(const UuidBytes& bytes);

}  // namespace pingan::core

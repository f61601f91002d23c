// Internal to the sealed text (text_seal.cc, text_key_file.cc): a path's keys as the SQL
// functions use them, each with its id, the current one first. Immutable once built;
// shared between connections.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "daemon/store/text_seal.h"

namespace pingan::store {

using KeyId = std::array<uint8_t, 8>;

// The first 8 bytes of the key's BLAKE2b hash: names the key in a sealed value and in a
// retired key file's name without giving anything of it away.
KeyId IdOfKey(const TextKey& key);

struct KeyRing {
  KeyId current_id{};
  std::vector<std::pair<KeyId, TextKey>> keys;  // current first, then the retired

  const TextKey& Current() const { return keys.front().second; }
  const TextKey* Find(const KeyId& id) const;
};

// What RegisterTextKeys last set for `database_path`, if anything.
std::optional<TextKeys> RegisteredTextKeys(const std::string& database_path);

}  // namespace pingan::store

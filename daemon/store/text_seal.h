// Protected incident text (summaries, follow-up notes) sealed at rest: XSalsa20-Poly1305
// (libsodium crypto_secretbox) under a 32-byte key that lives beside the database, not
// in it (data_dir/text.key, 0600). A copy of the database file alone (a backup, a disk
// sent for repair) then carries no readable incident text.
//
// The sealing happens in SQL: every connection pingan opens gets two functions,
// seal_text(text) -> BLOB (a fresh nonce, then the ciphertext) and open_text(value) ->
// TEXT, so the few statements that write or read protected text say so in place and
// nothing else changes. A TEXT value passes open_text unchanged: rows written before
// sealing existed stay readable until SealPlainTexts seals them. A BLOB that does not
// open (another key, a damaged row) is an SQL error naming the key file, never a
// silent empty text.
//
// The key is registered per database path before the first connection to that file is
// opened (RegisterTextKey; the daemon does it at start). Without a key, seal_text and
// open_text pass TEXT through and open_text refuses a sealed BLOB. Thread-safe: the
// registry is guarded; each connection holds its own reference to its key.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "daemon/store/database.h"

namespace pingan::store {

using TextKey = std::array<uint8_t, 32>;

// The key file's name in the data directory.
inline constexpr const char* kTextKeyFile = "text.key";

// The key of `key_path`, created (random, 0600, written whole) when the file does not
// exist yet; an error text when it cannot be read or has the wrong size.
std::variant<TextKey, std::string> LoadOrCreateTextKey(const std::string& key_path);

// From now on, connections opened to `database_path` seal and open with `key`.
void RegisterTextKey(const std::string& database_path, const TextKey& key);

// Called by Database for every connection it opens.
void InstallTextFunctions(SQLite::Database& db, const std::string& database_path);

// Seals the protected text still stored as plain TEXT (rows from before sealing);
// returns how many values it sealed. Writer thread.
int64_t SealPlainTexts(Database& db);

}  // namespace pingan::store

// Protected text (incident summaries, follow-up notes, hand-over notes) sealed at rest:
// XChaCha20-Poly1305 (libsodium crypto_secretbox_xchacha20poly1305) under a 32-byte key
// that lives beside the database, not in it (text_key_file, default data_dir/text.key,
// 0600). A copy of the database file alone (a backup, a disk sent for repair) then
// carries no readable incident or hand-over text.
//
// The sealing happens in SQL: every connection pingan opens gets the functions
// seal_text(text) -> BLOB and open_text(value) -> TEXT, so the few statements that write
// or read protected text say so in place and nothing else changes. A sealed value is
// 0x02, the key's id (8 bytes of its BLAKE2b hash), a fresh 24-byte nonce, then the
// ciphertext: the id picks the key among the current one and the retired ones that only
// open. Values sealed before this format (XSalsa20, no id) still open with any key, and
// a TEXT value passes open_text unchanged; ResealTexts moves both under the current key.
// A value that does not open (another key, a damaged row) is an SQL error naming the key
// file, never a silent empty text.
//
// Keys are registered per database path (RegisterTextKeys; the daemon does it before
// the first connection to the file). A registration reaches connections already open,
// which is how a rotation takes effect at once. Without keys, seal_text and open_text
// pass TEXT through and open_text refuses a sealed BLOB. Thread-safe: the registry and
// each path's key ring are guarded; SQL functions take the ring under a short lock.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "daemon/store/database.h"

namespace pingan::store {

using TextKey = std::array<uint8_t, 32>;

// The key file's default name in the data directory (config: text_key_file).
inline constexpr const char* kTextKeyFile = "text.key";

struct TextKeys {
  TextKey current;               // seals, and opens
  std::vector<TextKey> retired;  // open only: values not yet resealed
};

// The key of `key_path`, created (random, 0600, written whole) when the file does not
// exist yet; an error text when it cannot be read, is readable by others or has the
// wrong size.
std::variant<TextKey, std::string> LoadOrCreateTextKey(const std::string& key_path);

// The keys for a start: `key_path` (created if missing) and the retired keys beside it
// (<key_path>.retired-<id>). A rotation cut short by a crash is finished first: its new
// key (<key_path>.next) becomes the current one.
std::variant<TextKeys, std::string> LoadTextKeys(const std::string& key_path);

// From now on, connections to `database_path`, open or not, seal and open with `keys`.
void RegisterTextKeys(const std::string& database_path, const TextKeys& keys);
inline void RegisterTextKey(const std::string& database_path, const TextKey& key) {
  RegisterTextKeys(database_path, TextKeys{key, {}});
}

// Called by Database for every connection it opens.
void InstallTextFunctions(SQLite::Database& db, const std::string& database_path);

// Seals the protected text not sealed under the current key (plain TEXT from before
// sealing, the old format, retired keys); returns how many values it sealed. Writer
// thread; its own transaction.
int64_t ResealTexts(Database& db);

struct TextKeyRotation {
  int64_t resealed = 0;
  std::string retired_file;  // where the old key now is (for older backups)
};

// Makes a new key, reseals every protected value under it in one transaction, then
// files the old key as retired. A crash at any point leaves a state LoadTextKeys can
// open and finish. Writer thread (db is the writer's connection).
std::variant<TextKeyRotation, std::string> RotateTextKey(Database& db, const std::string& key_path);

}  // namespace pingan::store

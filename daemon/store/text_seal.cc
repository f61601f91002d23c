// The SQL side of sealed text: the per-path key rings, seal_text / open_text /
// needs_reseal, and ResealTexts. The key files are in text_key_file.cc.
#include "daemon/store/text_seal.h"

#include <sodium.h>
#include <sqlite3.h>

#include <SQLiteCpp/Transaction.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>

#include "daemon/store/text_key_ring.h"

namespace pingan::store {
namespace {

constexpr uint8_t kFormat = 0x02;
constexpr size_t kIdBytes = 8;
constexpr size_t kNonceBytes = crypto_secretbox_xchacha20poly1305_NONCEBYTES;
constexpr size_t kMacBytes = crypto_secretbox_xchacha20poly1305_MACBYTES;
constexpr size_t kHeaderBytes = 1 + kIdBytes + kNonceBytes;

// One path's keys; connections hold the holder, so a new registration reaches them.
class RingHolder {
 public:
  std::shared_ptr<const KeyRing> Get() {
    std::lock_guard lock(mu_);
    return ring_;
  }
  void Set(std::shared_ptr<const KeyRing> ring) {
    std::lock_guard lock(mu_);
    ring_ = std::move(ring);
  }

 private:
  std::mutex mu_;
  std::shared_ptr<const KeyRing> ring_;
};
using SharedHolder = std::shared_ptr<RingHolder>;

std::mutex& RegistryMutex() {
  static std::mutex mu;
  return mu;
}

SharedHolder HolderFor(const std::string& database_path) {
  static std::map<std::string, SharedHolder> holders;
  std::lock_guard lock(RegistryMutex());
  SharedHolder& holder = holders[database_path];
  if (!holder) holder = std::make_shared<RingHolder>();
  return holder;
}

std::shared_ptr<const KeyRing> RingOf(sqlite3_context* ctx) {
  return static_cast<SharedHolder*>(sqlite3_user_data(ctx))->get()->Get();
}

struct Blob {
  const unsigned char* data;
  size_t size;
};

Blob BlobOf(sqlite3_value* v) {
  return {static_cast<const unsigned char*>(sqlite3_value_blob(v)),
          static_cast<size_t>(sqlite3_value_bytes(v))};
}

bool HasFormat(const Blob& b) {
  return b.size >= kHeaderBytes + kMacBytes && b.data[0] == kFormat;
}

KeyId IdIn(const Blob& b) {
  KeyId id{};
  std::memcpy(id.data(), b.data + 1, kIdBytes);
  return id;
}

// The text of a sealed value, or nothing when no key of `ring` opens it.
std::optional<std::string> OpenBlob(const KeyRing& ring, const Blob& b) {
  if (HasFormat(b)) {
    if (const TextKey* key = ring.Find(IdIn(b))) {
      std::string plain(b.size - kHeaderBytes - kMacBytes, '\0');
      if (crypto_secretbox_xchacha20poly1305_open_easy(
              reinterpret_cast<unsigned char*>(plain.data()), b.data + kHeaderBytes,
              b.size - kHeaderBytes, b.data + 1 + kIdBytes, key->data()) == 0) {
        return plain;
      }
    }
  }
  // The first format: XSalsa20-Poly1305, nonce first, no key id.
  constexpr size_t kOld = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES;
  if (b.size < kOld) return std::nullopt;
  std::string plain(b.size - kOld, '\0');
  for (const auto& [id, key] : ring.keys) {
    if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(plain.data()),
                                   b.data + crypto_secretbox_NONCEBYTES,
                                   b.size - crypto_secretbox_NONCEBYTES, b.data, key.data()) == 0) {
      return plain;
    }
  }
  return std::nullopt;
}

void Seal(sqlite3_context* ctx, int, sqlite3_value** argv) {
  const auto ring = RingOf(ctx);
  if (sqlite3_value_type(argv[0]) != SQLITE_TEXT || !ring) {
    sqlite3_result_value(ctx, argv[0]);  // NULL stays NULL; without a key, text stays text
    return;
  }
  const auto* plain = sqlite3_value_text(argv[0]);
  const size_t size = static_cast<size_t>(sqlite3_value_bytes(argv[0]));
  std::string sealed(kHeaderBytes + kMacBytes + size, '\0');
  auto* out = reinterpret_cast<unsigned char*>(sealed.data());
  out[0] = kFormat;
  std::memcpy(out + 1, ring->current_id.data(), kIdBytes);
  randombytes_buf(out + 1 + kIdBytes, kNonceBytes);
  crypto_secretbox_xchacha20poly1305_easy(out + kHeaderBytes, plain, size, out + 1 + kIdBytes,
                                          ring->Current().data());
  sqlite3_result_blob64(ctx, sealed.data(), sealed.size(), SQLITE_TRANSIENT);
}

void Open(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) != SQLITE_BLOB) {
    sqlite3_result_value(ctx, argv[0]);  // plain text from before sealing, or NULL
    return;
  }
  const auto ring = RingOf(ctx);
  const std::optional<std::string> plain = ring ? OpenBlob(*ring, BlobOf(argv[0])) : std::nullopt;
  if (!plain) {
    sqlite3_result_error(ctx,
                         "protected incident text does not open: the database needs the "
                         "text.key it was written with (store.text_key, or a retired key)",
                         -1);
    return;
  }
  sqlite3_result_text64(ctx, plain->data(), plain->size(), SQLITE_TRANSIENT, SQLITE_UTF8);
}

// 1 for a value ResealTexts should seal again: plain text, or sealed by a key other than
// the current one that the ring can still open. A value no key opens stays as it is
// (reading it says so): one lost key must not stop the others being resealed.
void NeedsReseal(sqlite3_context* ctx, int, sqlite3_value** argv) {
  const auto ring = RingOf(ctx);
  const int type = sqlite3_value_type(argv[0]);
  bool needs = false;
  if (ring && type == SQLITE_TEXT) {
    needs = true;
  } else if (ring && type == SQLITE_BLOB) {
    const Blob b = BlobOf(argv[0]);
    needs = HasFormat(b) && IdIn(b) == ring->current_id
                ? false
                : (HasFormat(b) && ring->Find(IdIn(b))) || OpenBlob(*ring, b).has_value();
  }
  sqlite3_result_int(ctx, needs ? 1 : 0);
}

void DropHolder(void* p) {
  delete static_cast<SharedHolder*>(p);
}

}  // namespace

KeyId IdOfKey(const TextKey& key) {
  std::array<uint8_t, crypto_generichash_BYTES_MIN> hash{};
  crypto_generichash(hash.data(), hash.size(), key.data(), key.size(), nullptr, 0);
  KeyId id{};
  std::memcpy(id.data(), hash.data(), id.size());
  return id;
}

const TextKey* KeyRing::Find(const KeyId& id) const {
  for (const auto& [key_id, key] : keys) {
    if (key_id == id) return &key;
  }
  return nullptr;
}

void RegisterTextKeys(const std::string& database_path, const TextKeys& keys) {
  auto ring = std::make_shared<KeyRing>();
  ring->current_id = IdOfKey(keys.current);
  ring->keys.emplace_back(ring->current_id, keys.current);
  for (const TextKey& key : keys.retired) ring->keys.emplace_back(IdOfKey(key), key);
  HolderFor(database_path)->Set(std::move(ring));
}

std::optional<TextKeys> RegisteredTextKeys(const std::string& database_path) {
  const auto ring = HolderFor(database_path)->Get();
  if (!ring) return std::nullopt;
  TextKeys keys{ring->Current(), {}};
  for (size_t i = 1; i < ring->keys.size(); ++i) keys.retired.push_back(ring->keys[i].second);
  return keys;
}

void InstallTextFunctions(SQLite::Database& db, const std::string& database_path) {
  const SharedHolder holder = HolderFor(database_path);
  const std::pair<const char*, void (*)(sqlite3_context*, int, sqlite3_value**)> functions[] = {
      {"seal_text", &Seal}, {"open_text", &Open}, {"needs_reseal", &NeedsReseal}};
  for (const auto& [name, fn] : functions) {
    sqlite3_create_function_v2(db.getHandle(), name, 1, SQLITE_UTF8, new SharedHolder(holder), fn,
                               nullptr, nullptr, &DropHolder);
  }
}

int64_t ResealTexts(Database& db) {
  // Usually nothing: no write, no commit (no fsync) at a start.
  const bool any =
      db.sql()
          .execAndGet(
              "SELECT EXISTS (SELECT 1 FROM incident_texts WHERE needs_reseal(summary)) "
              "OR EXISTS (SELECT 1 FROM incident_notes WHERE needs_reseal(text)) "
              "OR EXISTS (SELECT 1 FROM handovers WHERE needs_reseal(note))")
          .getInt() != 0;
  if (!any) return 0;
  SQLite::Transaction tx(db.sql());
  int64_t sealed = db.sql().exec(
      "UPDATE incident_texts SET summary = seal_text(open_text(summary)) "
      "WHERE needs_reseal(summary)");
  sealed += db.sql().exec(
      "UPDATE incident_notes SET text = seal_text(open_text(text)) WHERE needs_reseal(text)");
  sealed += db.sql().exec(
      "UPDATE handovers SET note = seal_text(open_text(note)) WHERE needs_reseal(note)");
  tx.commit();
  return sealed;
}

}  // namespace pingan::store

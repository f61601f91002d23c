#include "daemon/store/text_seal.h"

#include <fcntl.h>
#include <sodium.h>
#include <sqlite3.h>

#include <SQLiteCpp/Transaction.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>

namespace pingan::store {
namespace {

using SharedKey = std::shared_ptr<const TextKey>;

std::mutex& RegistryMutex() {
  static std::mutex mu;
  return mu;
}
std::map<std::string, SharedKey>& Registry() {
  static std::map<std::string, SharedKey> keys;
  return keys;
}

std::string Hex(const TextKey& key) {
  std::string out(key.size() * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), key.data(), key.size());
  out.pop_back();  // the terminating NUL
  return out;
}

std::optional<TextKey> FromHex(const std::string& text) {
  if (text.size() != 64) return std::nullopt;
  TextKey key{};
  size_t bin_len = 0;
  if (sodium_hex2bin(key.data(), key.size(), text.data(), text.size(), nullptr, &bin_len,
                     nullptr) != 0 ||
      bin_len != key.size()) {
    return std::nullopt;
  }
  return key;
}

// The whole file or nothing: written beside, synced, then linked into place (link fails
// when another start made the key meanwhile: that key wins).
std::optional<std::string> CreateKeyFile(const std::string& path, const TextKey& key) {
  const std::string tmp = path + ".tmp-" + std::to_string(::getpid());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return "cannot create " + tmp + ": " + std::strerror(errno);
  const std::string text =
      "# pingan: the key that seals protected incident text in the database. Keep it with\n"
      "# the backups, apart from them; without it that text cannot be read.\n" +
      Hex(key) + "\n";
  const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
                  ::fsync(fd) == 0;
  ::close(fd);
  const bool linked = ok && ::link(tmp.c_str(), path.c_str()) == 0;
  const int link_error = errno;
  ::unlink(tmp.c_str());
  if (!ok) return "cannot write " + tmp;
  if (!linked && link_error != EEXIST)
    return "cannot create " + path + ": " + std::strerror(link_error);
  return std::nullopt;
}

std::variant<TextKey, std::string> ReadKeyFile(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && (st.st_mode & 0077) != 0) {
    return path + " is readable by others; chmod 600 it";
  }
  std::ifstream in(path);
  if (!in) return "cannot read " + path;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    if (auto key = FromHex(line)) return *key;
    break;
  }
  return path + " does not hold a key (64 hex digits)";
}

void Seal(sqlite3_context* ctx, int, sqlite3_value** argv) {
  const auto* key = static_cast<const SharedKey*>(sqlite3_user_data(ctx));
  if (sqlite3_value_type(argv[0]) != SQLITE_TEXT || key == nullptr || !*key) {
    sqlite3_result_value(ctx, argv[0]);  // NULL stays NULL; without a key, text stays text
    return;
  }
  const auto* plain = sqlite3_value_text(argv[0]);
  const size_t size = static_cast<size_t>(sqlite3_value_bytes(argv[0]));
  std::string sealed(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + size, '\0');
  auto* out = reinterpret_cast<unsigned char*>(sealed.data());
  randombytes_buf(out, crypto_secretbox_NONCEBYTES);
  crypto_secretbox_easy(out + crypto_secretbox_NONCEBYTES, plain, size, out, (*key)->data());
  sqlite3_result_blob64(ctx, sealed.data(), sealed.size(), SQLITE_TRANSIENT);
}

void Open(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) != SQLITE_BLOB) {
    sqlite3_result_value(ctx, argv[0]);  // plain text from before sealing, or NULL
    return;
  }
  const auto* key = static_cast<const SharedKey*>(sqlite3_user_data(ctx));
  const auto* sealed = static_cast<const unsigned char*>(sqlite3_value_blob(argv[0]));
  const size_t size = static_cast<size_t>(sqlite3_value_bytes(argv[0]));
  const size_t overhead = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES;
  std::string plain(size >= overhead ? size - overhead : 0, '\0');
  if (key == nullptr || !*key || size < overhead ||
      crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(plain.data()),
                                 sealed + crypto_secretbox_NONCEBYTES,
                                 size - crypto_secretbox_NONCEBYTES, sealed, (*key)->data()) != 0) {
    sqlite3_result_error(ctx,
                         "protected incident text does not open: the database needs the "
                         "text.key it was written with (data directory)",
                         -1);
    return;
  }
  sqlite3_result_text64(ctx, plain.data(), plain.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
}

void DropKey(void* p) {
  delete static_cast<SharedKey*>(p);
}

}  // namespace

std::variant<TextKey, std::string> LoadOrCreateTextKey(const std::string& key_path) {
  if (sodium_init() < 0) return "libsodium failed to initialise";
  if (::access(key_path.c_str(), F_OK) != 0) {
    TextKey key{};
    randombytes_buf(key.data(), key.size());
    if (auto error = CreateKeyFile(key_path, key)) return *error;
  }
  return ReadKeyFile(key_path);
}

void RegisterTextKey(const std::string& database_path, const TextKey& key) {
  std::lock_guard lock(RegistryMutex());
  Registry()[database_path] = std::make_shared<const TextKey>(key);
}

void InstallTextFunctions(SQLite::Database& db, const std::string& database_path) {
  SharedKey key;
  {
    std::lock_guard lock(RegistryMutex());
    if (auto it = Registry().find(database_path); it != Registry().end()) key = it->second;
  }
  for (auto [name, fn] : {std::pair{"seal_text", &Seal}, std::pair{"open_text", &Open}}) {
    sqlite3_create_function_v2(db.getHandle(), name, 1, SQLITE_UTF8, new SharedKey(key), fn,
                               nullptr, nullptr, &DropKey);
  }
}

int64_t SealPlainTexts(Database& db) {
  // Usually nothing: no write, no commit (no fsync) at a start.
  const bool any =
      db.sql()
          .execAndGet(
              "SELECT EXISTS (SELECT 1 FROM incident_texts WHERE typeof(summary) = 'text') "
              "OR EXISTS (SELECT 1 FROM incident_notes WHERE typeof(text) = 'text')")
          .getInt() != 0;
  if (!any) return 0;
  SQLite::Transaction tx(db.sql());
  int64_t sealed = db.sql().exec(
      "UPDATE incident_texts SET summary = seal_text(summary) WHERE typeof(summary) = 'text'");
  sealed +=
      db.sql().exec("UPDATE incident_notes SET text = seal_text(text) WHERE typeof(text) = 'text'");
  tx.commit();
  return sealed;
}

}  // namespace pingan::store

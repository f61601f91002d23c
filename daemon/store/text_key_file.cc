// The key files of the sealed text: creating, reading, the retired keys beside the
// current one, and the rotation's file steps (text_seal.h says what they are for).
#include <fcntl.h>
#include <sodium.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "daemon/store/text_key_ring.h"
#include "daemon/store/text_seal.h"

namespace pingan::store {
namespace {

namespace fs = std::filesystem;

std::string Hex(const uint8_t* data, size_t size) {
  std::string out(size * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), data, size);
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

std::string NextFile(const std::string& key_path) {
  return key_path + ".next";
}

std::string RetiredFile(const std::string& key_path, const TextKey& key) {
  const KeyId id = IdOfKey(key);
  return key_path + ".retired-" + Hex(id.data(), id.size());
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
      Hex(key.data(), key.size()) + "\n";
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

// Renames are durable only once their directory is synced.
void SyncDirectoryOf(const std::string& path) {
  const fs::path dir = fs::path(path).parent_path();
  const int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

// Files the key at `key_path` as retired and puts `next` in its place.
std::optional<std::string> PromoteNextKey(const std::string& key_path) {
  std::error_code ec;
  if (fs::exists(key_path, ec)) {
    auto old = ReadKeyFile(key_path);
    if (auto* err = std::get_if<std::string>(&old)) return *err;
    fs::rename(key_path, RetiredFile(key_path, std::get<TextKey>(old)), ec);
    if (ec) return "cannot retire " + key_path + ": " + ec.message();
  }
  fs::rename(NextFile(key_path), key_path, ec);
  if (ec) return "cannot put " + NextFile(key_path) + " in place: " + ec.message();
  SyncDirectoryOf(key_path);
  return std::nullopt;
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

std::variant<TextKeys, std::string> LoadTextKeys(const std::string& key_path) {
  std::error_code ec;
  if (fs::exists(NextFile(key_path), ec)) {
    spdlog::warn("text key: finishing a rotation that was cut short ({} becomes {})",
                 NextFile(key_path), key_path);
    if (auto error = PromoteNextKey(key_path)) return *error;
  }
  auto current = LoadOrCreateTextKey(key_path);
  if (auto* err = std::get_if<std::string>(&current)) return *err;
  TextKeys keys{std::get<TextKey>(current), {}};
  const fs::path path(key_path);
  const std::string prefix = path.filename().string() + ".retired-";
  const fs::path dir = path.parent_path().empty() ? fs::path(".") : path.parent_path();
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (!entry.path().filename().string().starts_with(prefix)) continue;
    auto retired = ReadKeyFile(entry.path().string());
    if (auto* err = std::get_if<std::string>(&retired)) return *err;
    keys.retired.push_back(std::get<TextKey>(retired));
  }
  if (ec) return "cannot list " + dir.string() + ": " + ec.message();
  return keys;
}

std::variant<TextKeyRotation, std::string> RotateTextKey(Database& db,
                                                         const std::string& key_path) {
  const std::optional<TextKeys> before = RegisteredTextKeys(db.path());
  if (!before) return "no text key is in use for " + db.path();
  std::error_code ec;
  if (fs::exists(NextFile(key_path), ec)) {
    return NextFile(key_path) +
           " exists: an earlier rotation was cut short; restart pingand "
           "to finish it, then rotate again";
  }
  TextKey fresh{};
  randombytes_buf(fresh.data(), fresh.size());
  if (auto error = CreateKeyFile(NextFile(key_path), fresh)) return *error;
  TextKeys after{fresh, {before->current}};
  after.retired.insert(after.retired.end(), before->retired.begin(), before->retired.end());
  RegisterTextKeys(db.path(), after);
  TextKeyRotation rotation;
  try {
    rotation.resealed = ResealTexts(db);
  } catch (const std::exception& e) {
    RegisterTextKeys(db.path(), *before);
    fs::remove(NextFile(key_path), ec);
    return std::string("text key not rotated, the old one stays: ") + e.what();
  }
  // Committed under the new key: from here a crash is finished by the next start.
  if (auto error = PromoteNextKey(key_path)) return *error;
  rotation.retired_file = RetiredFile(key_path, before->current);
  return rotation;
}

}  // namespace pingan::store

#include "daemon/config/school_keys.h"

#include <sodium.h>
#include <sys/stat.h>
#include <zmq.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "daemon/config/atomic_file.h"
#include "daemon/core/report.h"
#include "daemon/ingest/curve_keys.h"

namespace pingan::config {
namespace {

namespace fs = std::filesystem;

KeyStoreError Refused(std::string message) {
  return core::CodedError("refused", std::move(message));
}

std::optional<core::Instant> ModifiedAt(const fs::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  return core::Instant{std::chrono::seconds{st.st_mtim.tv_sec} +
                       std::chrono::milliseconds{st.st_mtim.tv_nsec / 1'000'000}};
}

// Why the key of `school_id` cannot be changed in `source`, if it cannot. The id
// becomes a file name: its syntax (no '/', no leading '.') keeps it inside the directory.
std::optional<KeyStoreError> CheckTarget(const std::string& source, const std::string& school_id) {
  if (!core::IsValidSchoolId(school_id)) {
    return core::CodedError("bad_request", "'" + school_id + "' is not a valid school id");
  }
  std::error_code ec;
  if (fs::exists(source, ec) && !fs::is_directory(source, ec)) {
    return Refused("school keys come from the list file " + source +
                   "; edit it and send pingand SIGHUP");
  }
  return std::nullopt;
}

// "20261001T080000Z": sortable, and safe in a file name.
std::string FileStamp(core::Instant now) {
  return date::format("%Y%m%dT%H%M%SZ", std::chrono::floor<std::chrono::seconds>(now));
}

}  // namespace

std::string KeyFingerprint(const std::string& public_key_z85) {
  uint8_t key[32];
  if (public_key_z85.size() != 40 || zmq_z85_decode(key, public_key_z85.c_str()) == nullptr) {
    return "";
  }
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, key, sizeof key);
  char hex[2 * crypto_hash_sha256_BYTES + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return "SHA256:" + std::string(hex, 16);
}

std::variant<std::vector<EnrolledKey>, KeyStoreError> ListSchoolKeys(const std::string& source) {
  std::error_code ec;
  if (!fs::exists(source, ec)) return std::vector<EnrolledKey>{};
  auto loaded = wire::LoadSchoolKeys(source);
  if (auto* e = std::get_if<wire::KeyError>(&loaded))
    return core::CodedError("internal", e->message);
  const bool dir = fs::is_directory(source, ec);
  std::vector<EnrolledKey> out;
  for (const auto& [school, key] : std::get<wire::SchoolKeys>(loaded)) {
    const fs::path file = dir ? fs::path(source) / (school + ".pub") : fs::path(source);
    out.push_back({school, key, KeyFingerprint(key), ModifiedAt(file)});
  }
  return out;
}

std::variant<EnrolOutcome, KeyStoreError> EnrolSchoolKey(const std::string& source,
                                                         const std::string& school_id,
                                                         const std::string& public_key_z85) {
  if (!wire::IsZ85Key(public_key_z85)) {
    return core::CodedError("bad_request", "public_key must be a 40-character Z85 CURVE key");
  }
  if (auto e = CheckTarget(source, school_id)) return *e;
  std::error_code ec;
  fs::create_directories(source, ec);
  if (ec) return core::CodedError("internal", "cannot create " + source + ": " + ec.message());
  auto loaded = wire::LoadSchoolKeys(source);
  if (auto* e = std::get_if<wire::KeyError>(&loaded)) {
    // Writing now would leave the directory as broken for the next reload.
    return Refused("the key directory does not load; fix it first: " + e->message);
  }
  EnrolOutcome outcome;
  for (const auto& [school, key] : std::get<wire::SchoolKeys>(loaded)) {
    if (school == school_id) {
      outcome.previous_key = key;
    } else if (key == public_key_z85) {
      return Refused("this key is already enrolled for school '" + school +
                     "'; every school needs its own keypair");
    }
  }
  if (outcome.previous_key == public_key_z85) {
    outcome.unchanged = true;
    return outcome;
  }
  const std::string path = (fs::path(source) / (school_id + ".pub")).string();
  const std::string text =
      "# CURVE public key of school " + school_id + "\n" + public_key_z85 + "\n";
  if (auto e = WriteFileAtomically(path, text, 0644)) return core::CodedError("internal", *e);
  return outcome;
}

std::variant<std::string, KeyStoreError> RevokeSchoolKey(const std::string& source,
                                                         const std::string& school_id,
                                                         core::Instant now) {
  if (auto e = CheckTarget(source, school_id)) return *e;
  const fs::path path = fs::path(source) / (school_id + ".pub");
  auto key = wire::ReadPublicKeyFile(path.string());
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    return core::CodedError("not_found", "school '" + school_id + "' has no enrolled key");
  }
  const fs::path aside = path.string() + ".revoked-" + FileStamp(now);
  if (::rename(path.c_str(), aside.c_str()) != 0) {
    return core::CodedError("internal",
                            "cannot move " + path.string() + " aside: " + std::strerror(errno));
  }
  auto* text = std::get_if<std::string>(&key);
  return text ? *text : std::string();
}

}  // namespace pingan::config

// CURVE key files shared by pingand and pingan-agent.
//
// A public key file holds one Z85 public key (40 characters) on a line of its own;
// lines starting with '#' are comments. A secret key file holds two lines,
// "public: <z85>" and "secret: <z85>", and is written with mode 0600. The daemon's
// key directory holds one "<school_id>.pub" file per school. Functions are
// thread-safe; errors are returned as values with the path and line.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace pingan::wire {

struct CurveKeyPair {
  std::string public_z85;
  std::string secret_z85;
};

struct KeyError {
  std::string message;  // names the file and, where it applies, the line
};

// A fresh keypair from libzmq (backed by libsodium).
CurveKeyPair GenerateCurveKeyPair();
bool IsZ85Key(std::string_view text);

// Writes `<base>.key` (secret, 0600, refuses to overwrite) and `<base>.pub`, each
// whole or not at all (a crash leaves no empty or partial file).
std::variant<std::monostate, KeyError> WriteKeyPair(const std::string& base,
                                                    const CurveKeyPair& keys);
// Writes one public key file (0644; refuses to overwrite).
std::optional<KeyError> WritePublicKeyFile(const std::string& path, const std::string& public_z85);
std::variant<CurveKeyPair, KeyError> ReadSecretKeyFile(const std::string& path);
std::variant<std::string, KeyError> ReadPublicKeyFile(const std::string& path);

// School id -> public key, from a directory of "<school_id>.pub" files or from one
// file with lines "<school_id> <z85-public-key>". A key listed twice is an error:
// one key must name exactly one school.
using SchoolKeys = std::map<std::string, std::string>;
std::variant<SchoolKeys, KeyError> LoadSchoolKeys(const std::string& dir_or_file);

// The same, for reloading a running daemon: a bad entry (unreadable or malformed file,
// bad line, invalid school id, a school or key listed again) is skipped and reported in
// `skipped` instead of failing the whole set, so one broken file does not lock every
// school out. The first listing of a school or key wins. KeyError only when the source
// itself is neither a directory nor a readable list.
std::variant<SchoolKeys, KeyError> LoadUsableSchoolKeys(const std::string& dir_or_file,
                                                        std::vector<KeyError>* skipped);

}  // namespace pingan::wire

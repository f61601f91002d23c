// CURVE key files shared by pingand and pingan-agent.
//
// A public key file holds one Z85 public key (40 characters) on a line of its own;
// lines starting with '#' are comments. A secret key file holds two lines,
// "public: <z85>" and "secret: <z85>", and is written with mode 0600. The daemon's
// key directory holds one "<school_id>.pub" file per school. Functions are
// thread-safe; errors are returned as values with the path and line.
#pragma once

#include <map>
#include <string>
#include <variant>

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

// Writes `<base>.key` (secret, 0600, refuses to overwrite) and `<base>.pub`.
std::variant<std::monostate, KeyError> WriteKeyPair(const std::string& base,
                                                    const CurveKeyPair& keys);
std::variant<CurveKeyPair, KeyError> ReadSecretKeyFile(const std::string& path);
std::variant<std::string, KeyError> ReadPublicKeyFile(const std::string& path);

// School id -> public key, from a directory of "<school_id>.pub" files or from one
// file with lines "<school_id> <z85-public-key>". A key listed twice is an error:
// one key must name exactly one school.
using SchoolKeys = std::map<std::string, std::string>;
std::variant<SchoolKeys, KeyError> LoadSchoolKeys(const std::string& dir_or_file);

}  // namespace pingan::wire

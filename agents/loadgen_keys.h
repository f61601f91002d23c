// Load generator keys: the simulated schools' ids and CURVE keypairs, derived from a
// seed so that `pingan-loadgen keys` (which writes the public keys for the daemon) and
// `pingan-loadgen run` (which needs the secret keys) agree without storing half a
// million secret keys anywhere.
//
// School number i is "<prefix><i, zero-padded>"; its secret key is the BLAKE2b hash of
// the seed and i (libsodium crypto_generichash), its public key Curve25519 of that
// (zmq_curve_public), exactly what zmq_curve_keypair would give for those 32 bytes.
// Test keys only: anyone who knows the seed has every secret key.
//
// Pure functions except WriteLoadgenKeys (files); all thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "daemon/ingest/curve_keys.h"

namespace pingan::agent::loadgen {

struct FleetNaming {
  std::string seed = "pingan-loadgen";
  std::string prefix = "lg-";
  int64_t first = 0;  // number of the first school (several generators, disjoint ranges)
  int64_t schools = 0;
};

// "<prefix><number>", the number zero-padded to at least 6 digits.
std::string SchoolId(const FleetNaming& naming, int64_t number);
wire::CurveKeyPair DeriveSchoolKeys(const std::string& seed, int64_t number);

// How the daemon's key source is written: a directory of "<school_id>.pub" files (what
// `pinganctl keys enroll` maintains; slow beyond some ten thousand schools, each file
// is fsynced) or one list file "<school_id> <z85>" per line (config curve.school_keys
// may name either).
enum class KeyFormat { kDirectory, kList };

inline constexpr const char* kKeyListName = "school-keys.list";

// Writes the public keys of schools first .. first+schools-1 under `out_dir` (created
// if absent): `out_dir/<id>.pub` each, or `out_dir/school-keys.list`. Returns an error
// message, nullopt on success. Refuses to overwrite existing key files.
std::optional<std::string> WriteLoadgenKeys(const FleetNaming& naming, KeyFormat format,
                                            const std::string& out_dir);

}  // namespace pingan::agent::loadgen

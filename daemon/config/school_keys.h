// School key directory: enrolment and revocation of the schools' CURVE public keys in
// the directory the ZAP handler loads (config `school_keys`, one "<school_id>.pub" file
// per school; daemon/ingest/curve_keys.h).
//
// Enrolment writes the .pub atomically (mode 0644) after checking that the directory
// loads and that the key is not another school's (LoadSchoolKeys refuses a key that
// names two schools, which would stop every later reload). Revocation moves the file
// aside as "<school_id>.pub.revoked-<UTC time>", which the loader ignores, so the old
// key stays on disk for investigation. Neither tells the ZAP handler: the caller
// reloads it. When `school_keys` names a key list file instead of a directory, both
// refuse (edit the file and send SIGHUP).
//
// Plain functions doing file I/O; call them from one thread at a time (the io thread).
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "daemon/core/clock.h"
#include "daemon/core/result.h"

namespace pingan::config {

struct EnrolledKey {
  std::string school_id;
  std::string public_key;                    // Z85, 40 characters
  std::string fingerprint;                   // see KeyFingerprint
  std::optional<core::Instant> enrolled_at;  // the file's modification time
};

// An error with the control-channel code it maps to: "bad_request", "not_found",
// "refused" or "internal".
using KeyStoreError = core::Error;  // code and message (core::CodedError)

struct EnrolOutcome {
  bool unchanged = false;    // the school already had exactly this key
  std::string previous_key;  // the key it replaced; empty when there was none
};

// "SHA256:" and the first 16 hex digits of the SHA-256 of the 32-byte key: short
// enough to read out on the phone when a school confirms its key.
std::string KeyFingerprint(const std::string& public_key_z85);

// Every enrolled key, by school id (a directory or a key list file).
std::variant<std::vector<EnrolledKey>, KeyStoreError> ListSchoolKeys(const std::string& source);

// Enrols `public_key_z85` for `school_id` in directory `source` (created if missing).
std::variant<EnrolOutcome, KeyStoreError> EnrolSchoolKey(const std::string& source,
                                                         const std::string& school_id,
                                                         const std::string& public_key_z85);

// Moves the school's key aside; returns the key that was revoked.
std::variant<std::string, KeyStoreError> RevokeSchoolKey(const std::string& source,
                                                         const std::string& school_id,
                                                         core::Instant now);

}  // namespace pingan::config

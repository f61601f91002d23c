// Password hashing (Argon2id through libsodium's crypto_pwhash_str) and random tokens.
// Stateless functions, safe from any thread once InitCrypto() returned.
#pragma once

#include <string>

namespace pingan::console {

// Argon2id cost. kInteractive is libsodium's OPSLIMIT/MEMLIMIT_INTERACTIVE (about
// 64 MiB); kMinimum is only for tests, where many hashes must be cheap.
enum class PasswordCost { kInteractive, kModerate, kMinimum };

// sodium_init(); throws std::runtime_error when libsodium cannot start.
void InitCrypto();
// The encoded Argon2id string (algorithm, parameters and salt included). Computed by
// the process's PasswordWorker when one is set (password_worker.h), else here.
std::string HashPassword(const std::string& password, PasswordCost cost);
bool VerifyPassword(const std::string& encoded_hash, const std::string& password);
// The same, always in the calling process (the worker's child computes with these).
std::string HashPasswordInProcess(const std::string& password, PasswordCost cost);
bool VerifyPasswordInProcess(const std::string& encoded_hash, const std::string& password);
// `bytes` random bytes as lower-case hex (session ids, CSRF and API tokens).
std::string RandomToken(size_t bytes = 32);
// A fast keyed-free hash (BLAKE2b-256, hex) of a high-entropy token: what is stored
// for sessions and API tokens. Random 256-bit tokens need no slow hash.
std::string TokenHash(const std::string& token);
// Constant-time comparison of two strings of equal length (false when lengths differ).
bool SameSecret(const std::string& a, const std::string& b);

}  // namespace pingan::console

#include "daemon/console/password.h"

#include "daemon/console/password_worker.h"

#include <sodium.h>

#include <stdexcept>
#include <vector>

namespace pingan::console {
namespace {

std::string Hex(const unsigned char* data, size_t size) {
  std::string out(size * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), data, size);
  out.pop_back();
  return out;
}

}  // namespace

void InitCrypto() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
}

std::string HashPassword(const std::string& password, PasswordCost cost) {
  if (PasswordWorker* worker = CurrentPasswordWorker()) {
    if (auto hash = worker->Hash(password, cost)) return *hash;
  }
  return HashPasswordInProcess(password, cost);
}

bool VerifyPassword(const std::string& encoded_hash, const std::string& password) {
  if (PasswordWorker* worker = CurrentPasswordWorker()) {
    if (auto verified = worker->Verify(encoded_hash, password)) return *verified;
  }
  return VerifyPasswordInProcess(encoded_hash, password);
}

std::string HashPasswordInProcess(const std::string& password, PasswordCost cost) {
  InitCrypto();
  unsigned long long ops = crypto_pwhash_OPSLIMIT_INTERACTIVE;
  size_t mem = crypto_pwhash_MEMLIMIT_INTERACTIVE;
  if (cost == PasswordCost::kModerate) {
    ops = crypto_pwhash_OPSLIMIT_MODERATE;
    mem = crypto_pwhash_MEMLIMIT_MODERATE;
  } else if (cost == PasswordCost::kMinimum) {
    ops = crypto_pwhash_OPSLIMIT_MIN;
    mem = crypto_pwhash_MEMLIMIT_MIN;
  }
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), ops, mem,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    throw std::runtime_error("out of memory while hashing a password");
  }
  return out;
}

bool VerifyPasswordInProcess(const std::string& encoded_hash, const std::string& password) {
  InitCrypto();
  return crypto_pwhash_str_verify(encoded_hash.c_str(), password.data(), password.size()) == 0;
}

std::string RandomToken(size_t bytes) {
  InitCrypto();
  std::vector<unsigned char> buf(bytes);
  randombytes_buf(buf.data(), buf.size());
  return Hex(buf.data(), buf.size());
}

std::string TokenHash(const std::string& token) {
  InitCrypto();
  unsigned char out[crypto_generichash_BYTES];
  crypto_generichash(out, sizeof out, reinterpret_cast<const unsigned char*>(token.data()),
                     token.size(), nullptr, 0);
  return Hex(out, sizeof out);
}

bool SameSecret(const std::string& a, const std::string& b) {
  if (a.size() != b.size() || a.empty()) return false;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace pingan::console

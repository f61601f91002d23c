// Test certificates made at run time with OpenSSL's C API (3.0): a fresh P-256 key and
// a self-signed certificate for "localhost" / 127.0.0.1, written as PEM files, so that
// no key material lives in the repository and nothing expires in it. Header-only, so
// that only test binaries that include it need OpenSSL (they get it through
// pingan_console). Plain functions; call from any thread.
#pragma once

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>

namespace pingan::testing {

struct TestCert {
  std::string cert_file;  // PEM certificate
  std::string key_file;   // PEM private key (unencrypted)
};

namespace test_cert_detail {

inline void Check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("test certificate: ") + what + " failed");
}

inline void WritePem(const std::string& path, auto write) {
  std::unique_ptr<FILE, decltype(&std::fclose)> file(std::fopen(path.c_str(), "wb"), &std::fclose);
  Check(file != nullptr, "opening the PEM file");
  Check(write(file.get()) == 1, "writing the PEM file");
}

}  // namespace test_cert_detail

// Writes `<name>.crt` and `<name>.key` into `dir`. Each call makes a new key, so two
// calls give a certificate and a key that do not match each other.
inline TestCert MakeSelfSignedCert(const std::filesystem::path& dir,
                                   const std::string& name = "server") {
  using test_cert_detail::Check;
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"), &EVP_PKEY_free);
  Check(key != nullptr, "EVP_PKEY_Q_keygen");
  std::unique_ptr<X509, decltype(&X509_free)> cert(X509_new(), &X509_free);
  Check(cert != nullptr, "X509_new");
  Check(X509_set_version(cert.get(), 2) == 1, "X509_set_version");
  Check(ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1) == 1, "serial number");
  // Validity around OpenSSL's own clock, which is what the client checks against.
  Check(X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600) != nullptr, "notBefore");
  Check(X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24 * 3600) != nullptr, "notAfter");
  Check(X509_set_pubkey(cert.get(), key.get()) == 1, "X509_set_pubkey");
  X509_NAME* subject = X509_get_subject_name(cert.get());
  Check(X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_ASC,
                                   reinterpret_cast<const unsigned char*>("localhost"), -1, -1,
                                   0) == 1,
        "subject CN");
  Check(X509_set_issuer_name(cert.get(), subject) == 1, "issuer");
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert.get(), cert.get(), nullptr, nullptr, 0);
  for (auto [nid, value] : {std::pair{NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1"},
                            std::pair{NID_basic_constraints, "critical,CA:TRUE"}}) {
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    Check(ext != nullptr, "X509V3_EXT_conf_nid");
    const int added = X509_add_ext(cert.get(), ext, -1);
    X509_EXTENSION_free(ext);
    Check(added == 1, "X509_add_ext");
  }
  Check(X509_sign(cert.get(), key.get(), EVP_sha256()) > 0, "X509_sign");

  TestCert out{(dir / (name + ".crt")).string(), (dir / (name + ".key")).string()};
  test_cert_detail::WritePem(out.cert_file, [&](FILE* f) { return PEM_write_X509(f, cert.get()); });
  test_cert_detail::WritePem(out.key_file, [&](FILE* f) {
    return PEM_write_PrivateKey(f, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  });
  return out;
}

}  // namespace pingan::testing

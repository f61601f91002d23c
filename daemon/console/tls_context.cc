#include "daemon/console/tls_context.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace pingan::console {
namespace {

namespace ssl = boost::asio::ssl;

// TLS 1.2 suites with forward secrecy and AEAD only (TLS 1.3 suites are fixed by
// OpenSSL and all good). Browsers of the last decade speak at least one of these.
constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

// The whole file, or an error naming it. Read here (not by OpenSSL) so that "missing"
// and "unreadable" are told apart from "not PEM".
std::variant<std::string, std::string> ReadFile(const std::string& path) {
  using Result = std::variant<std::string, std::string>;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Result(std::in_place_index<1>,
                  "cannot read '" + path + "': " + std::string(std::strerror(errno)));
  }
  std::stringstream text;
  text << in.rdbuf();
  return Result(std::in_place_index<0>, text.str());
}

// Whether `pem` holds a private key that opens without a passphrase.
bool IsPlainPemKey(const std::string& pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free);
  if (!bio) return false;
  // An empty passphrase callback: an encrypted key fails instead of prompting.
  auto no_passphrase = [](char*, int, int, void*) { return 0; };
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio.get(), nullptr, no_passphrase, nullptr);
  ERR_clear_error();  // the failure is reported by our message, not left queued
  if (key == nullptr) return false;
  EVP_PKEY_free(key);
  return true;
}

TlsError Fail(TlsFile file, std::string message) {
  return TlsError{file, std::move(message)};
}

}  // namespace

std::variant<TlsContextPtr, TlsError> LoadTlsContext(const std::string& cert_file,
                                                     const std::string& key_file) {
  auto cert = ReadFile(cert_file);
  if (cert.index() == 1) return Fail(TlsFile::kCert, std::get<1>(cert));
  auto key = ReadFile(key_file);
  if (key.index() == 1) return Fail(TlsFile::kKey, std::get<1>(key));

  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                   ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                   ssl::context::single_dh_use);
  SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
  SSL_CTX_set_cipher_list(ctx->native_handle(), kTls12Ciphers);
  // Without a callback OpenSSL would prompt on the terminal for an encrypted key.
  ctx->set_password_callback([](size_t, ssl::context::password_purpose) { return std::string(); });

  boost::system::error_code ec;
  const std::string& cert_pem = std::get<0>(cert);
  ctx->use_certificate_chain(boost::asio::buffer(cert_pem), ec);
  if (ec) {
    return Fail(TlsFile::kCert,
                "'" + cert_file + "' is not a PEM certificate chain: " + ec.message());
  }
  // Parsed on its own first, so that "not a key" and "not this certificate's key" get
  // different messages.
  if (!IsPlainPemKey(std::get<0>(key))) {
    return Fail(TlsFile::kKey, "'" + key_file + "' is not an unencrypted PEM private key");
  }
  ctx->use_private_key(boost::asio::buffer(std::get<0>(key)), ssl::context::pem, ec);
  if (ec || SSL_CTX_check_private_key(ctx->native_handle()) != 1) {
    ERR_clear_error();
    return Fail(TlsFile::kKey, "the private key in '" + key_file +
                                   "' does not match the certificate in '" + cert_file + "'");
  }
  return ctx;
}

}  // namespace pingan::console

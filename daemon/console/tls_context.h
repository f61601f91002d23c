// TLS for the HTTP API: builds the server's OpenSSL context from a PEM certificate
// chain and a PEM private key (http.tls_cert / http.tls_key), TLS 1.2 at least.
//
// The same function serves `pingand --check-config` (through the config loader) and
// the start of the server, so a configuration that passes the check is exactly one
// that serves. Errors are values naming the file and what is wrong with it (unreadable,
// not PEM, encrypted, key not matching the certificate). Encrypted keys are refused
// rather than prompted for: a daemon has no terminal to ask on.
// Threading: LoadTlsContext is a plain function; the context it returns is shared by
// the server's connections on the io thread.
#pragma once

#include <memory>
#include <string>
#include <variant>

#include <boost/asio/ssl/context.hpp>

namespace pingan::console {

// Which of the two files an error is about, so that the config loader can name the key.
enum class TlsFile { kCert, kKey };

struct TlsError {
  TlsFile file = TlsFile::kCert;
  std::string message;  // names the file, e.g. "cannot read '/etc/pingan/key.pem': ..."
};

using TlsContextPtr = std::shared_ptr<boost::asio::ssl::context>;

// Loads and checks both files; the context refuses anything older than TLS 1.2.
std::variant<TlsContextPtr, TlsError> LoadTlsContext(const std::string& cert_file,
                                                     const std::string& key_file);

}  // namespace pingan::console

// TrustedProxies and ResolveClient: who the client of a request is when a reverse
// proxy (nginx, HAProxy terminating TLS) stands in front of the daemon.
//
// Only a peer listed in `http.trusted_proxies` may say who the client is: from it,
// `X-Forwarded-For` names the client (the rightmost address that is not itself a
// trusted proxy, so a client cannot forge its own entry by sending the header itself)
// and `X-Forwarded-Proto: https` says the browser spoke HTTPS (the session cookie
// then gets Secure and answers carry HSTS). From any other peer both headers are
// ignored. Plain values; no threading concerns.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/ip/network_v4.hpp>
#include <boost/asio/ip/network_v6.hpp>

namespace pingan::console {

class TrustedProxies {
 public:
  // Entries are addresses ("10.0.0.5", "::1") or networks ("10.0.0.0/8"). nullopt and
  // `error` set when one is neither.
  static std::optional<TrustedProxies> Parse(const std::vector<std::string>& entries,
                                             std::string* error);
  bool Contains(const std::string& address) const;
  bool empty() const { return v4_.empty() && v6_.empty(); }

 private:
  std::vector<boost::asio::ip::network_v4> v4_;
  std::vector<boost::asio::ip::network_v6> v6_;
};

struct ClientView {
  std::string address;  // the client's IP as the daemon should record it
  bool https = false;   // the client's connection is encrypted (here or at the proxy)
};

// `peer`: the TCP peer's address; `tls`: this connection is TLS; `headers`: lower-case
// names as in Request.
ClientView ResolveClient(const std::string& peer, bool tls,
                         const std::map<std::string, std::string>& headers,
                         const TrustedProxies& proxies);

}  // namespace pingan::console

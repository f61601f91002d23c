#include "daemon/console/forwarded.h"

#include <boost/asio/ip/address.hpp>

#include "daemon/core/text.h"

namespace pingan::console {
namespace {

namespace ip = boost::asio::ip;

// "a, b ,c" -> {"a", "b", "c"}; empty items dropped.
std::vector<std::string> ListItems(const std::string& value) {
  std::vector<std::string> items;
  size_t start = 0;
  while (start <= value.size()) {
    size_t end = value.find(',', start);
    if (end == std::string::npos) end = value.size();
    std::string item = core::Trim(std::string_view(value).substr(start, end - start));
    if (!item.empty()) items.push_back(std::move(item));
    start = end + 1;
  }
  return items;
}

std::optional<ip::address> AddressOf(const std::string& text) {
  boost::system::error_code ec;
  ip::address a = ip::make_address(text, ec);
  if (ec) return std::nullopt;
  // An IPv4 client seen through an IPv6 socket is the IPv4 client.
  if (a.is_v6() && a.to_v6().is_v4_mapped()) {
    return ip::make_address_v4(ip::v4_mapped, a.to_v6());
  }
  return a;
}

std::string Header(const std::map<std::string, std::string>& headers, const char* name) {
  auto it = headers.find(name);
  return it == headers.end() ? "" : it->second;
}

}  // namespace

std::optional<TrustedProxies> TrustedProxies::Parse(const std::vector<std::string>& entries,
                                                    std::string* error) {
  TrustedProxies out;
  for (const std::string& entry : entries) {
    boost::system::error_code ec;
    if (entry.find('/') == std::string::npos) {
      const auto a = AddressOf(entry);
      if (a && a->is_v4()) {
        out.v4_.emplace_back(a->to_v4(), 32);
        continue;
      }
      if (a && a->is_v6()) {
        out.v6_.emplace_back(a->to_v6(), 128);
        continue;
      }
    } else if (entry.find(':') == std::string::npos) {
      auto net = ip::make_network_v4(entry, ec);
      if (!ec) {
        out.v4_.push_back(net.canonical());
        continue;
      }
    } else {
      auto net = ip::make_network_v6(entry, ec);
      if (!ec) {
        out.v6_.push_back(net.canonical());
        continue;
      }
    }
    *error = "'" + entry + "' is neither an IP address nor a network like 10.0.0.0/8";
    return std::nullopt;
  }
  return out;
}

bool TrustedProxies::Contains(const std::string& address) const {
  const auto a = AddressOf(address);
  if (!a) return false;
  if (a->is_v4()) {
    const ip::network_v4 host(a->to_v4(), 32);
    for (const auto& net : v4_) {
      if (host == net || host.is_subnet_of(net)) return true;
    }
    return false;
  }
  const ip::network_v6 host(a->to_v6(), 128);
  for (const auto& net : v6_) {
    if (host == net || host.is_subnet_of(net)) return true;
  }
  return false;
}

ClientView ResolveClient(const std::string& peer, bool tls,
                         const std::map<std::string, std::string>& headers,
                         const TrustedProxies& proxies) {
  ClientView view{peer, tls};
  if (!proxies.Contains(peer)) return view;
  // Walk from the nearest hop outwards; the first hop that is not a trusted proxy is
  // the client. Entries further left were written by the client and prove nothing.
  const auto hops = ListItems(Header(headers, "x-forwarded-for"));
  for (auto it = hops.rbegin(); it != hops.rend(); ++it) {
    const auto a = AddressOf(*it);
    if (!a) break;  // garbage: keep the last address we could trust
    view.address = a->to_string();
    if (!proxies.Contains(view.address)) break;
  }
  // Only the nearest proxy's word counts: the last value.
  const auto protos = ListItems(Header(headers, "x-forwarded-proto"));
  if (!protos.empty()) view.https = core::AsciiLower(protos.back()) == "https";
  return view;
}

}  // namespace pingan::console

// Who the client is behind a reverse proxy: only a trusted peer's X-Forwarded-* count,
// and a client cannot forge its own address by sending the header itself.
#include "daemon/console/forwarded.h"

#include <gtest/gtest.h>

namespace pingan::console {
namespace {

TrustedProxies Trust(const std::vector<std::string>& entries) {
  std::string error;
  auto parsed = TrustedProxies::Parse(entries, &error);
  EXPECT_TRUE(parsed.has_value()) << error;
  return parsed.value_or(TrustedProxies{});
}

TEST(TrustedProxiesTest, AcceptsAddressesAndNetworksOfBothFamilies) {
  const TrustedProxies proxies = Trust({"127.0.0.1", "10.0.0.0/8", "::1", "fd00::/8"});
  EXPECT_TRUE(proxies.Contains("127.0.0.1"));
  EXPECT_FALSE(proxies.Contains("127.0.0.2"));
  EXPECT_TRUE(proxies.Contains("10.200.3.4"));
  EXPECT_FALSE(proxies.Contains("11.0.0.1"));
  EXPECT_TRUE(proxies.Contains("::1"));
  EXPECT_TRUE(proxies.Contains("fd12::5"));
  EXPECT_FALSE(proxies.Contains("fe80::1"));
  EXPECT_TRUE(proxies.Contains("::ffff:10.1.1.1")) << "an IPv4 peer on an IPv6 socket";
  EXPECT_FALSE(proxies.Contains("not an address"));
  EXPECT_FALSE(proxies.Contains(""));
}

TEST(TrustedProxiesTest, AHostAddressWithBitsBeyondThePrefixIsItsNetwork) {
  EXPECT_TRUE(Trust({"10.1.2.3/16"}).Contains("10.1.99.99"));
}

TEST(TrustedProxiesTest, RefusesWhatIsNeitherAddressNorNetwork) {
  for (const std::string bad : {"proxy.example", "10.0.0.0/33", "10.0.0", "::1/129", ""}) {
    std::string error;
    EXPECT_FALSE(TrustedProxies::Parse({"127.0.0.1", bad}, &error).has_value()) << bad;
    EXPECT_NE(error.find("'" + bad + "'"), std::string::npos) << error;
  }
}

TEST(ResolveClientTest, AnUntrustedPeerIsTheClientWhateverItSays) {
  const TrustedProxies proxies = Trust({"10.0.0.1"});
  const ClientView view =
      ResolveClient("203.0.113.9", false,
                    {{"x-forwarded-for", "1.2.3.4"}, {"x-forwarded-proto", "https"}}, proxies);
  EXPECT_EQ(view.address, "203.0.113.9");
  EXPECT_FALSE(view.https);
  EXPECT_TRUE(ResolveClient("203.0.113.9", true, {}, proxies).https) << "its own TLS counts";
}

TEST(ResolveClientTest, ATrustedProxyNamesTheClientAndTheScheme) {
  const TrustedProxies proxies = Trust({"10.0.0.1"});
  const ClientView view =
      ResolveClient("10.0.0.1", false,
                    {{"x-forwarded-for", "198.51.100.7"}, {"x-forwarded-proto", "https"}}, proxies);
  EXPECT_EQ(view.address, "198.51.100.7");
  EXPECT_TRUE(view.https);
  EXPECT_FALSE(ResolveClient("10.0.0.1", false, {{"x-forwarded-proto", "http"}}, proxies).https);
  EXPECT_EQ(ResolveClient("10.0.0.1", false, {}, proxies).address, "10.0.0.1")
      << "no header: the proxy itself";
}

TEST(ResolveClientTest, EntriesTheClientWroteItselfProveNothing) {
  // The client sent "X-Forwarded-For: 127.0.0.1" to pass as local; the proxy appended
  // the address it really came from.
  const TrustedProxies proxies = Trust({"10.0.0.0/24"});
  const ClientView view = ResolveClient(
      "10.0.0.1", false, {{"x-forwarded-for", "127.0.0.1, 192.0.2.50, 10.0.0.2"}}, proxies);
  EXPECT_EQ(view.address, "192.0.2.50") << "the first hop that is not a trusted proxy";
}

TEST(ResolveClientTest, GarbageInTheChainStopsAtTheLastTrustworthyHop) {
  const TrustedProxies proxies = Trust({"10.0.0.1"});
  EXPECT_EQ(
      ResolveClient("10.0.0.1", false, {{"x-forwarded-for", "evil\n, 192.0.2.8"}}, proxies).address,
      "192.0.2.8");
  EXPECT_EQ(ResolveClient("10.0.0.1", false, {{"x-forwarded-for", "nonsense"}}, proxies).address,
            "10.0.0.1");
}

TEST(ResolveClientTest, OnlyTheNearestProxysSchemeCounts) {
  const TrustedProxies proxies = Trust({"10.0.0.1"});
  EXPECT_FALSE(
      ResolveClient("10.0.0.1", false, {{"x-forwarded-proto", "https, http"}}, proxies).https);
  EXPECT_TRUE(
      ResolveClient("10.0.0.1", false, {{"x-forwarded-proto", "http, HTTPS"}}, proxies).https);
}

}  // namespace
}  // namespace pingan::console

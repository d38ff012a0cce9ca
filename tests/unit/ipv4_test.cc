#include "common/ipv4.h"

#include <gtest/gtest.h>

#include "common/net_config.h"

namespace umla {
namespace {

TEST(Ipv4, ParsesOnlyDottedQuads) {
  EXPECT_EQ(ParseIpv4("192.0.2.1"), 0xC0000201u);
  EXPECT_EQ(FormatIpv4(0xC0000201u), "192.0.2.1");
  for (const char* bad : {"192.0.2", "192.0.2.256", "192.0.2.1.", "a.b.c.d", "", "1..2.3", "1.2.3.0001"}) {
    EXPECT_FALSE(ParseIpv4(bad)) << bad;
  }
}

// inet_aton and `ip` read "010" as octal 8 (and refuse "09"): an address with a leading
// zero would mean one thing here and another to them, so it is refused, and messages
// can say why. A single 0 is an ordinary field.
TEST(Ipv4, RefusesLeadingZerosAndSaysSo) {
  for (const char* bad : {"192.0.02.1", "192.0.2.010", "198.051.100.1", "192.0.2.00", "192.0.2.09"}) {
    EXPECT_FALSE(ParseIpv4(bad)) << bad;
  }
  for (const char* bad : {"192.0.2.02/24", "192.0.2.2/024", "192.0.2.2/08", "192.0.2.2/00"}) {
    EXPECT_FALSE(ParseIpv4Prefix(bad)) << bad;
  }
  EXPECT_FALSE(ParseNetRoute("203.0.113.0/24@192.0.2.09"));
  EXPECT_EQ(ParseIpv4("0.0.0.0"), 0u);
  EXPECT_EQ(ParseIpv4("192.0.2.0"), 0xC0000200u);
  EXPECT_TRUE(ParseIpv4Prefix("0.0.0.0/0"));
  EXPECT_EQ(LeadingZeroNote("192.0.02.1"), "; \"02\" has a leading zero, which inet_aton and ip read as octal");
  EXPECT_EQ(LeadingZeroNote("192.0.2.2/024"), "; \"024\" has a leading zero, which inet_aton and ip read as octal");
  EXPECT_NE(LeadingZeroNote("203.0.113.0/24 via 192.0.2.09").find("\"09\""), std::string::npos);
  for (const char* plain : {"192.0.2.1", "192.0.2.0/24", "192.0.2.300", "eth01", "0.0.0.0/0", ""}) {
    EXPECT_EQ(LeadingZeroNote(plain), "") << plain;
  }
}

TEST(Ipv4, PrefixMathKeepsHostBits) {
  auto prefix = ParseIpv4Prefix("192.0.2.2/24");
  ASSERT_TRUE(prefix);
  EXPECT_EQ(FormatIpv4Prefix(*prefix), "192.0.2.2/24");
  EXPECT_EQ(FormatIpv4(NetworkOf(*prefix)), "192.0.2.0");
  EXPECT_EQ(FormatIpv4(BroadcastOf(*prefix)), "192.0.2.255");
  EXPECT_EQ(FormatIpv4(Netmask(20)), "255.255.240.0");
  EXPECT_EQ(Netmask(0), 0u);
  EXPECT_TRUE(InSubnet(*prefix, *ParseIpv4("192.0.2.254")));
  EXPECT_FALSE(InSubnet(*prefix, *ParseIpv4("192.0.3.1")));
  for (const char* bad : {"192.0.2.2", "192.0.2.2/33", "192.0.2.2/", "192.0.2.2/2x", "/24"}) {
    EXPECT_FALSE(ParseIpv4Prefix(bad)) << bad;
  }
}

// Neither exists on a /31 (RFC 3021: both addresses are hosts) or a /32.
TEST(Ipv4, NetworkAndBroadcastAddressesUpToASlash30) {
  auto wide = *ParseIpv4Prefix("192.0.2.2/24");
  EXPECT_TRUE(IsNetworkOrBroadcast(wide, *ParseIpv4("192.0.2.0")));
  EXPECT_TRUE(IsNetworkOrBroadcast(wide, *ParseIpv4("192.0.2.255")));
  EXPECT_FALSE(IsNetworkOrBroadcast(wide, *ParseIpv4("192.0.2.1")));
  auto narrow = *ParseIpv4Prefix("192.0.2.1/30");
  EXPECT_TRUE(IsNetworkOrBroadcast(narrow, *ParseIpv4("192.0.2.3")));
  EXPECT_FALSE(IsNetworkOrBroadcast(narrow, *ParseIpv4("192.0.2.2")));
  auto pair = *ParseIpv4Prefix("192.0.2.0/31");
  EXPECT_FALSE(IsNetworkOrBroadcast(pair, *ParseIpv4("192.0.2.0")));
  EXPECT_FALSE(IsNetworkOrBroadcast(pair, *ParseIpv4("192.0.2.1")));
  EXPECT_FALSE(IsNetworkOrBroadcast(*ParseIpv4Prefix("192.0.2.7/32"), *ParseIpv4("192.0.2.7")));
}

TEST(NetRoute, GatewayProblemSaysWhyTheKernelWouldRefuseIt) {
  auto address = *ParseIpv4Prefix("192.0.2.2/24");
  EXPECT_EQ(GatewayProblem(address, *ParseIpv4("192.0.2.254")), "");
  EXPECT_EQ(GatewayProblem(address, *ParseIpv4("192.0.2.2")), "192.0.2.2 is the interface's own address");
  EXPECT_EQ(GatewayProblem(address, *ParseIpv4("192.0.2.0")),
            "192.0.2.0 is the network address of 192.0.2.0/24");
  EXPECT_EQ(GatewayProblem(address, *ParseIpv4("192.0.2.255")),
            "192.0.2.255 is the broadcast address of 192.0.2.0/24");
  EXPECT_EQ(GatewayProblem(address, *ParseIpv4("198.51.100.1")),
            "198.51.100.1 is outside 192.0.2.2/24's subnet");
  // An on-link route reaches a gateway outside the subnet; one through a gateway does not.
  std::vector<NetRoute> on_link = {*ParseNetRoute("198.51.100.0/24")};
  EXPECT_EQ(GatewayProblem(address, *ParseIpv4("198.51.100.1"), on_link), "");
  std::vector<NetRoute> via = {*ParseNetRoute("198.51.100.0/24@192.0.2.9")};
  EXPECT_EQ(GatewayProblem(address, *ParseIpv4("198.51.100.1"), via),
            "198.51.100.1 is outside 192.0.2.2/24's subnet and no on-link route reaches it");
  EXPECT_EQ(GatewayProblem(*ParseIpv4Prefix("192.0.2.0/31"), *ParseIpv4("192.0.2.1")), "");
  EXPECT_EQ(GatewayProblem(*ParseIpv4Prefix("192.0.2.1/31"), *ParseIpv4("192.0.2.0")), "");
}

TEST(NetRoute, ParsesAllThreeForms) {
  auto via = ParseNetRoute("203.0.113.0/24 via 192.0.2.9");
  auto at = ParseNetRoute("203.0.113.0/24@192.0.2.9");
  ASSERT_TRUE(via && at);
  EXPECT_EQ(*via, *at);
  EXPECT_EQ(FormatNetRoute(*via), "203.0.113.0/24@192.0.2.9");
  auto onlink = ParseNetRoute("198.51.100.0/24");
  ASSERT_TRUE(onlink);
  EXPECT_FALSE(onlink->gateway);
  for (const char* bad : {"203.0.113.1/24@192.0.2.9", "203.0.113.0/24 via", "203.0.113.0/24@x",
                          "203.0.113.0/24 by 192.0.2.9", ""}) {
    EXPECT_FALSE(ParseNetRoute(bad)) << bad;
  }
}

TEST(NetConfigSettings, ListsEveryKeyWithoutSpaces) {
  GuestNetConfig config;
  config.address = *ParseIpv4Prefix("192.0.2.2/24");
  config.broadcast = BroadcastOf(config.address);
  config.mtu = 1500;
  config.gateway = *ParseIpv4("192.0.2.254");
  config.routes.push_back(*ParseNetRoute("203.0.113.0/24 via 192.0.2.9"));
  config.dns.nameservers = {"198.51.100.53", "198.51.100.54"};
  config.dns.search = {"example.test"};
  auto pairs = NetConfigSettings(config);
  std::string joined;
  for (const auto& [key, value] : pairs) joined += key + "=" + value + " ";
  EXPECT_EQ(joined,
            "net.address=192.0.2.2/24 net.broadcast=192.0.2.255 net.mtu=1500 "
            "net.gateway=192.0.2.254 net.routes=203.0.113.0/24@192.0.2.9 "
            "dns.nameservers=198.51.100.53,198.51.100.54 dns.search=example.test ");
  EXPECT_FALSE(IsPlainListItem("a b"));
  EXPECT_FALSE(IsPlainListItem("a,b"));
  EXPECT_TRUE(IsPlainListItem("ndots:2"));
}

}  // namespace
}  // namespace umla

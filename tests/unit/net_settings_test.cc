#include "agent/steps/net/net_settings.h"
#include "agent/steps/net/persistent_files.h"

#include <gtest/gtest.h>

namespace umla::agent {
namespace {

Settings FromCmdline(const std::string& cmdline) {
  Settings settings;
  std::vector<std::string> warnings;
  settings.LoadKernelCmdline(cmdline, &warnings);
  return settings;
}

TEST(NetSettings, NothingSetMeansNothingToDo) {
  auto net = ReadNetSettings(FromCmdline("root=/dev/ubda"));
  ASSERT_TRUE(net.ok());
  EXPECT_FALSE(*net);
  auto dns = ReadDnsSettings(FromCmdline("root=/dev/ubda"));
  ASSERT_TRUE(dns.ok());
  EXPECT_TRUE(dns->empty());
}

TEST(NetSettings, ReadsWhatTheBridgePuts) {
  auto net = ReadNetSettings(FromCmdline(
      "uml_agent.net.address=192.0.2.2/24 uml_agent.net.broadcast=192.0.2.255 "
      "uml_agent.net.mtu=1400 uml_agent.net.gateway=192.0.2.254 "
      "uml_agent.net.routes=203.0.113.0/24@192.0.2.9,198.51.100.0/24 uml_agent.net.iface=vec0"));
  ASSERT_TRUE(net.ok()) << net.status().message();
  ASSERT_TRUE(*net);
  const NetSettings& s = **net;
  EXPECT_EQ(s.iface, "vec0");
  EXPECT_EQ(FormatIpv4Prefix(s.config.address), "192.0.2.2/24");
  EXPECT_EQ(s.config.mtu, 1400u);
  EXPECT_EQ(FormatIpv4(*s.config.gateway), "192.0.2.254");
  ASSERT_EQ(s.config.routes.size(), 2u);  // on-link first (CheckRoutes)
  EXPECT_EQ(FormatNetRoute(s.config.routes[0]), "198.51.100.0/24");
  EXPECT_EQ(FormatNetRoute(s.config.routes[1]), "203.0.113.0/24@192.0.2.9");
  EXPECT_TRUE(s.persist);
  EXPECT_TRUE(s.notes.empty());
}

TEST(NetSettings, ConfigFileListsAndViaForm) {
  Settings settings;
  ASSERT_TRUE(settings.LoadJson(R"({"net":{"address":"192.0.2.2/24",
      "routes":["203.0.113.0/24 via 192.0.2.9"]},
      "dns":{"nameservers":["198.51.100.53"],"search":["example.test"]}})", "config.json").ok());
  auto net = ReadNetSettings(settings);
  ASSERT_TRUE(net.ok()) << net.status().message();
  EXPECT_EQ(FormatIpv4((*net)->config.broadcast), "192.0.2.255");
  EXPECT_EQ((*net)->iface, "eth0");
  auto dns = ReadDnsSettings(settings);
  ASSERT_TRUE(dns.ok());
  EXPECT_EQ(dns->search, std::vector<std::string>{"example.test"});
}

// A /31 (point to point, RFC 3021) has no broadcast: both addresses are hosts, and the
// peer is often the gateway. None is asked of the kernel or written into any file.
TEST(NetSettings, APointToPointSubnetHasNoBroadcast) {
  auto net = ReadNetSettings(
      FromCmdline("uml_agent.net.address=192.0.2.0/31 uml_agent.net.gateway=192.0.2.1"));
  ASSERT_TRUE(net.ok()) << net.status().message();
  ASSERT_TRUE(net->has_value());
  EXPECT_EQ((*net)->config.broadcast, 0u);
  EXPECT_EQ(RenderIfcfg("eth0", (*net)->config).find("BROADCAST"), std::string::npos);
  EXPECT_EQ(RenderIfupdownStanza("eth0", (*net)->config).find("broadcast"), std::string::npos);
  EXPECT_EQ(RenderNetworkdUnit("eth0", (*net)->config).find("Broadcast"), std::string::npos);
  auto wide = ReadNetSettings(FromCmdline("uml_agent.net.address=192.0.2.2/24"));
  ASSERT_TRUE(wide.ok() && wide->has_value());
  EXPECT_EQ(FormatIpv4((*wide)->config.broadcast), "192.0.2.255");
}

TEST(NetSettings, BadValuesNameTheKeyValueAndSource) {
  struct Case {
    const char* cmdline;
    const char* message;
  } cases[] = {
      {"uml_agent.net.address=192.0.2.2",
       "setting net.address=\"192.0.2.2\" (from kernel command line): expected ADDR/PREFIX such as "
       "192.0.2.2/24"},
      {"uml_agent.net.address=192.0.2.2/33", "setting net.address=\"192.0.2.2/33\""},
      {"uml_agent.net.address=192.0.2.2/24 uml_agent.net.gateway=198.51.100.1",
       "setting net.gateway=\"198.51.100.1\" (from kernel command line): 198.51.100.1 is outside "
       "192.0.2.2/24's subnet; net.gateway must be in it (a gateway elsewhere, as a /32 address "
       "needs, goes in net.routes after an on-link route to it: "
       "198.51.100.1/32,0.0.0.0/0@198.51.100.1)"},
      {"uml_agent.net.address=192.0.2.2/24 uml_agent.net.mtu=20",
       "setting net.mtu=\"20\" (from kernel command line): expected an MTU from 68 to 65535"},
      {"uml_agent.net.address=192.0.2.2/24 uml_agent.net.routes=203.0.113.0/24@x",
       "setting net.routes=\"203.0.113.0/24@x\""},
      {"uml_agent.net.address=192.0.2.2/24 uml_agent.net.iface=a/b", "setting net.iface=\"a/b\""},
      {"uml_agent.net.address=192.0.2.2/24 uml_agent.net.iface=e$(reboot)",
       "setting net.iface=\"e$(reboot)\""},
      {"uml_agent.net.address=192.0.2.2/24 uml_agent.net.iface=e;x", "setting net.iface=\"e;x\""},
      {"uml_agent.net.address=192.0.2.2/24 uml_agent.net.iface=e#x", "setting net.iface=\"e#x\""},
      {"uml_agent.net.gateway=192.0.2.254", "net.address is not set, but other net.* settings are"},
  };
  for (const auto& c : cases) {
    auto net = ReadNetSettings(FromCmdline(c.cmdline));
    ASSERT_FALSE(net.ok()) << c.cmdline;
    EXPECT_EQ(net.status().message().rfind(c.message, 0), 0u) << net.status().message();
  }
}

std::string ErrorOf(const std::string& cmdline) {
  auto net = ReadNetSettings(FromCmdline(cmdline));
  return net.ok() ? "(accepted)" : net.status().message();
}

std::vector<std::string> RoutesOf(const std::string& cmdline) {
  auto net = ReadNetSettings(FromCmdline(cmdline));
  EXPECT_TRUE(net.ok() && *net) << cmdline << ": " << (net.ok() ? "" : net.status().message());
  std::vector<std::string> routes;
  if (!net.ok() || !*net) return routes;
  for (const auto& route : (*net)->config.routes) routes.push_back(FormatNetRoute(route));
  return routes;
}

const char* kOctal = "has a leading zero, which inet_aton and ip read as octal";

// inet_aton and ip would read these as octal; the agent refuses rather than guess.
TEST(NetSettings, LeadingZerosAreRefusedNamingKeyAndNumber) {
  EXPECT_EQ(ErrorOf("uml_agent.net.address=192.0.2.02/24"),
            "setting net.address=\"192.0.2.02/24\" (from kernel command line): expected ADDR/PREFIX "
            "such as 192.0.2.2/24; \"02\" " + std::string(kOctal));
  EXPECT_EQ(ErrorOf("uml_agent.net.address=192.0.2.2/024"),
            "setting net.address=\"192.0.2.2/024\" (from kernel command line): expected ADDR/PREFIX "
            "such as 192.0.2.2/24; \"024\" " + std::string(kOctal));
  EXPECT_EQ(ErrorOf("uml_agent.net.address=192.0.2.2/24 uml_agent.net.gateway=192.0.02.1"),
            "setting net.gateway=\"192.0.02.1\" (from kernel command line): expected an IPv4 "
            "address; \"02\" " + std::string(kOctal));
  EXPECT_EQ(ErrorOf("uml_agent.net.address=192.0.2.2/24 uml_agent.net.broadcast=192.0.2.0255"),
            "setting net.broadcast=\"192.0.2.0255\" (from kernel command line): expected an IPv4 "
            "address; \"0255\" " + std::string(kOctal));
  EXPECT_EQ(ErrorOf("uml_agent.net.address=192.0.2.2/24 uml_agent.net.routes=198.51.100.0/24,"
                    "203.0.113.0/24@192.0.2.09"),
            "setting net.routes=\"198.51.100.0/24,203.0.113.0/24@192.0.2.09\" (from kernel command "
            "line): expected DEST/PREFIX, DEST/PREFIX@GATEWAY or \"DEST/PREFIX via GATEWAY\" (bad "
            "item \"203.0.113.0/24@192.0.2.09\"; \"09\" " + std::string(kOctal) + ")");
  auto dns = ReadDnsSettings(FromCmdline("uml_agent.dns.nameservers=198.51.100.053"));
  ASSERT_FALSE(dns.ok());
  EXPECT_EQ(dns.status().message(),
            "setting dns.nameservers=\"198.51.100.053\" (from kernel command line): expected IPv4 "
            "addresses separated by commas (bad item \"198.51.100.053\"; \"053\" " +
                std::string(kOctal) + ")");
  EXPECT_EQ(ErrorOf("uml_agent.net.address=192.0.2.10/24 uml_agent.net.gateway=192.0.2.1"),
            "(accepted)");  // a single 0 is fine
}

// The kernel refuses a next hop that is the subnet's network or broadcast address, or
// the interface's own. A /31 has neither: both its addresses are hosts.
TEST(NetSettings, GatewayMustBeAnotherHostOfTheSubnet) {
  EXPECT_EQ(ErrorOf("uml_agent.net.address=192.0.2.2/24 uml_agent.net.gateway=192.0.2.255"),
            "setting net.gateway=\"192.0.2.255\" (from kernel command line): 192.0.2.255 is the "
            "broadcast address of 192.0.2.0/24");
  EXPECT_EQ(ErrorOf("uml_agent.net.address=192.0.2.2/24 uml_agent.net.gateway=192.0.2.0"),
            "setting net.gateway=\"192.0.2.0\" (from kernel command line): 192.0.2.0 is the "
            "network address of 192.0.2.0/24");
  EXPECT_EQ(ErrorOf("uml_agent.net.address=192.0.2.2/24 uml_agent.net.gateway=192.0.2.2"),
            "setting net.gateway=\"192.0.2.2\" (from kernel command line): 192.0.2.2 is the "
            "interface's own address");
  EXPECT_EQ(ErrorOf("uml_agent.net.address=192.0.2.1/30 uml_agent.net.gateway=192.0.2.3"),
            "setting net.gateway=\"192.0.2.3\" (from kernel command line): 192.0.2.3 is the "
            "broadcast address of 192.0.2.0/30");
  EXPECT_EQ(ErrorOf("uml_agent.net.address=192.0.2.1/30 uml_agent.net.gateway=192.0.2.2"), "(accepted)");
  EXPECT_EQ(ErrorOf("uml_agent.net.address=192.0.2.0/31 uml_agent.net.gateway=192.0.2.1"), "(accepted)");
  EXPECT_EQ(ErrorOf("uml_agent.net.address=192.0.2.1/31 uml_agent.net.gateway=192.0.2.0"), "(accepted)");
  // A /32 has no subnet to hold a gateway: the message says how to write one.
  EXPECT_EQ(ErrorOf("uml_agent.net.address=203.0.113.5/32 uml_agent.net.gateway=192.0.2.1"),
            "setting net.gateway=\"192.0.2.1\" (from kernel command line): 192.0.2.1 is outside "
            "203.0.113.5/32's subnet; net.gateway must be in it (a gateway elsewhere, as a /32 "
            "address needs, goes in net.routes after an on-link route to it: "
            "192.0.2.1/32,0.0.0.0/0@192.0.2.1)");
}

TEST(NetSettings, AddressMustBeAHostOfItsSubnet) {
  EXPECT_EQ(ErrorOf("uml_agent.net.address=192.0.2.0/24"),
            "setting net.address=\"192.0.2.0/24\" (from kernel command line): 192.0.2.0 is the "
            "network address of 192.0.2.0/24, not one a host can have");
  EXPECT_EQ(ErrorOf("uml_agent.net.address=192.0.2.3/30"),
            "setting net.address=\"192.0.2.3/30\" (from kernel command line): 192.0.2.3 is the "
            "broadcast address of 192.0.2.0/30, not one a host can have");
  EXPECT_EQ(ErrorOf("uml_agent.net.address=192.0.2.0/31"), "(accepted)");
  EXPECT_EQ(ErrorOf("uml_agent.net.address=192.0.2.1/31"), "(accepted)");
  EXPECT_EQ(ErrorOf("uml_agent.net.address=192.0.2.0/32"), "(accepted)");
}

// A broadcast address elsewhere would send the guest's broadcasts where no neighbour
// listens; 0.0.0.0 is "none", and 255.255.255.255 (which some hosts set, and
// `run --mirror` copies) is taken.
TEST(NetSettings, BroadcastMustBeInTheSubnet) {
  const std::string kOnSlash24 = "uml_agent.net.address=192.0.2.2/24 uml_agent.net.broadcast=";
  EXPECT_EQ(ErrorOf(kOnSlash24 + "198.51.100.255"),
            "setting net.broadcast=\"198.51.100.255\" (from kernel command line): "
            "198.51.100.255 is outside 192.0.2.0/24: expected another address of 192.0.2.0/24 "
            "(the usual one is 192.0.2.255), 0.0.0.0 for none or 255.255.255.255");
  EXPECT_EQ(ErrorOf(kOnSlash24 + "192.0.2.2"),
            "setting net.broadcast=\"192.0.2.2\" (from kernel command line): 192.0.2.2 is the "
            "interface's own address: expected another address of 192.0.2.0/24 (the usual one "
            "is 192.0.2.255), 0.0.0.0 for none or 255.255.255.255");
  // A /32 has nothing else in its subnet to suggest.
  EXPECT_EQ(ErrorOf("uml_agent.net.address=192.0.2.2/32 uml_agent.net.broadcast=192.0.2.255"),
            "setting net.broadcast=\"192.0.2.255\" (from kernel command line): 192.0.2.255 is "
            "outside 192.0.2.2/32: expected 0.0.0.0 for none or 255.255.255.255");
  // On a /31 the other address is the peer's (RFC 3021), not a broadcast.
  EXPECT_EQ(ErrorOf("uml_agent.net.address=192.0.2.0/31 uml_agent.net.broadcast=192.0.2.1"),
            "setting net.broadcast=\"192.0.2.1\" (from kernel command line): 192.0.2.1 is the "
            "peer's address on 192.0.2.0/31: expected 0.0.0.0 for none or 255.255.255.255");
  EXPECT_EQ(ErrorOf(kOnSlash24 + "192.0.2.1 uml_agent.net.gateway=192.0.2.1"),
            "setting net.broadcast=\"192.0.2.1\" (from kernel command line): 192.0.2.1 is "
            "net.gateway: as a broadcast address the kernel would send nothing to the gateway "
            "itself");
  EXPECT_EQ(ErrorOf(kOnSlash24 + "192.0.2.255"), "(accepted)");
  EXPECT_EQ(ErrorOf(kOnSlash24 + "192.0.2.0"), "(accepted)");  // the old all-zeros kind
  EXPECT_EQ(ErrorOf(kOnSlash24 + "0.0.0.0"), "(accepted)");
  EXPECT_EQ(ErrorOf(kOnSlash24 + "255.255.255.255"), "(accepted)");
  EXPECT_EQ(ErrorOf("uml_agent.net.address=192.0.2.2/32 uml_agent.net.broadcast=0.0.0.0"),
            "(accepted)");
  EXPECT_EQ(ErrorOf("uml_agent.net.address=192.0.2.2/32 uml_agent.net.broadcast=255.255.255.255"),
            "(accepted)");
}

// A route's gateway must be reachable when the route is added: in the subnet, or
// through an on-link route of net.routes (listed anywhere: on-link routes go first).
TEST(NetSettings, RouteGatewaysMustBeReachable) {
  EXPECT_EQ(ErrorOf("uml_agent.net.address=192.0.2.2/24 uml_agent.net.routes=203.0.113.0/24@198.51.100.1"),
            "setting net.routes=\"203.0.113.0/24@198.51.100.1\" (from kernel command line): route "
            "203.0.113.0/24 via 198.51.100.1: 198.51.100.1 is outside 192.0.2.2/24's subnet and no "
            "on-link route reaches it");
  EXPECT_EQ(ErrorOf("uml_agent.net.address=192.0.2.2/24 uml_agent.net.routes=203.0.113.0/24@192.0.2.255"),
            "setting net.routes=\"203.0.113.0/24@192.0.2.255\" (from kernel command line): route "
            "203.0.113.0/24 via 192.0.2.255: 192.0.2.255 is the broadcast address of 192.0.2.0/24");
  EXPECT_EQ(ErrorOf("uml_agent.net.address=192.0.2.2/24 uml_agent.net.routes=203.0.113.0/24@192.0.2.2"),
            "setting net.routes=\"203.0.113.0/24@192.0.2.2\" (from kernel command line): route "
            "203.0.113.0/24 via 192.0.2.2: 192.0.2.2 is the interface's own address");
  EXPECT_EQ(RoutesOf("uml_agent.net.address=192.0.2.2/24 "
                     "uml_agent.net.routes=203.0.113.0/24@198.51.100.1,198.51.100.0/24"),
            (std::vector<std::string>{"198.51.100.0/24", "203.0.113.0/24@198.51.100.1"}));
  // A /32 (point to point): an on-link host route to the peer, the default route via it.
  EXPECT_EQ(RoutesOf("uml_agent.net.address=203.0.113.5/32 "
                     "uml_agent.net.routes=0.0.0.0/0@192.0.2.1,192.0.2.1/32"),
            (std::vector<std::string>{"192.0.2.1/32", "0.0.0.0/0@192.0.2.1"}));
  EXPECT_EQ(RoutesOf("uml_agent.net.address=203.0.113.5/32 uml_agent.net.routes=0.0.0.0/0"),
            std::vector<std::string>{"0.0.0.0/0"});
}

// What the kernel adds itself, what net.gateway adds and repeats are left out with a
// note (the distribution's scripts would fail on them with "File exists"); two routes
// to one destination through different gateways are an error: which one is meant?
TEST(NetSettings, RedundantRoutesAreLeftOutConflictingOnesRefused) {
  auto net = ReadNetSettings(FromCmdline(
      "uml_agent.net.address=192.0.2.2/24 uml_agent.net.gateway=192.0.2.254 "
      "uml_agent.net.routes=192.0.2.0/24,0.0.0.0/0@192.0.2.254,203.0.113.0/24@192.0.2.9,"
      "203.0.113.0/24@192.0.2.9"));
  ASSERT_TRUE(net.ok()) << net.status().message();
  ASSERT_EQ((*net)->config.routes.size(), 1u);
  EXPECT_EQ(FormatNetRoute((*net)->config.routes[0]), "203.0.113.0/24@192.0.2.9");
  const std::string where =
      "setting net.routes=\"192.0.2.0/24,0.0.0.0/0@192.0.2.254,203.0.113.0/24@192.0.2.9,"
      "203.0.113.0/24@192.0.2.9\" (from kernel command line): ";
  EXPECT_EQ((*net)->notes,
            (std::vector<std::string>{
                where + "route 192.0.2.0/24 is net.address's subnet route already: left out",
                where + "route default via 192.0.2.254 is net.gateway's default route already: left out",
                where + "route 203.0.113.0/24 via 192.0.2.9 is listed twice: left out"}));

  EXPECT_EQ(ErrorOf("uml_agent.net.address=192.0.2.2/24 uml_agent.net.gateway=192.0.2.254 "
                    "uml_agent.net.routes=0.0.0.0/0@192.0.2.9"),
            "setting net.routes=\"0.0.0.0/0@192.0.2.9\" (from kernel command line): route default "
            "via 192.0.2.9 conflicts with net.gateway's default route (default via 192.0.2.254): "
            "keep one of them");
  EXPECT_EQ(ErrorOf("uml_agent.net.address=192.0.2.2/24 uml_agent.net.gateway=192.0.2.254 "
                    "uml_agent.net.routes=0.0.0.0/0"),
            "setting net.routes=\"0.0.0.0/0\" (from kernel command line): route default conflicts "
            "with net.gateway's default route (default via 192.0.2.254): keep one of them");
  EXPECT_EQ(ErrorOf("uml_agent.net.address=192.0.2.2/24 "
                    "uml_agent.net.routes=0.0.0.0/0@192.0.2.9,0.0.0.0/0@192.0.2.254"),
            "setting net.routes=\"0.0.0.0/0@192.0.2.9,0.0.0.0/0@192.0.2.254\" (from kernel command "
            "line): route default via 192.0.2.254 conflicts with route default via 192.0.2.9 (one "
            "route per destination): keep one of them");
  EXPECT_EQ(ErrorOf("uml_agent.net.address=192.0.2.2/24 "
                    "uml_agent.net.routes=203.0.113.0/24@192.0.2.9,203.0.113.0/24"),
            "setting net.routes=\"203.0.113.0/24@192.0.2.9,203.0.113.0/24\" (from kernel command "
            "line): route 203.0.113.0/24 conflicts with route 203.0.113.0/24 via 192.0.2.9 (one "
            "route per destination): keep one of them");
  EXPECT_EQ(ErrorOf("uml_agent.net.address=192.0.2.2/24 uml_agent.net.routes=192.0.2.0/24@192.0.2.9"),
            "setting net.routes=\"192.0.2.0/24@192.0.2.9\" (from kernel command line): route "
            "192.0.2.0/24 via 192.0.2.9 conflicts with net.address's subnet route (192.0.2.0/24): "
            "it comes with the address: leave it out");
  // A default route in net.routes alone is the default route.
  EXPECT_EQ(RoutesOf("uml_agent.net.address=192.0.2.2/24 uml_agent.net.routes=0.0.0.0/0@192.0.2.9"),
            std::vector<std::string>{"0.0.0.0/0@192.0.2.9"});
}

TEST(DnsSettings, BadNameserverNamesTheItem) {
  auto dns = ReadDnsSettings(FromCmdline("uml_agent.dns.nameservers=198.51.100.53,resolver.test"));
  ASSERT_FALSE(dns.ok());
  EXPECT_EQ(dns.status().message(),
            "setting dns.nameservers=\"198.51.100.53,resolver.test\" (from kernel command line): "
            "expected IPv4 addresses separated by commas (bad item \"resolver.test\")");
}

}  // namespace
}  // namespace umla::agent

#include "host-bridge/hostnet/mirror_plan.h"

#include <linux/rtnetlink.h>

#include <gtest/gtest.h>

#include "agent/steps/net/net_settings.h"
#include "host-bridge/hostnet/mirror_render.h"
#include "host-bridge/hostnet/resolv_conf.h"
#include "tests/unit/golden.h"

namespace umla::bridge {
namespace {

netlink::RouteInfo Route(const char* destination, const char* gateway, int oif,
                         uint8_t protocol = RTPROT_BOOT) {
  netlink::RouteInfo route;
  route.table = RT_TABLE_MAIN;
  route.type = RTN_UNICAST;
  route.route = *ParseNetRoute(destination);
  if (gateway) route.route.gateway = *ParseIpv4(gateway);
  route.oif = oif;
  route.protocol = protocol;
  return route;
}

// A host as in the classic setup: eth0 is br0's port, br0 holds 192.0.2.1/24.
HostNetwork ClassicHost() {
  HostNetwork host;
  host.links = {{1, "lo", 65536, true, 0, ""}, {2, "eth0", 1500, true, 3, ""},
                {3, "br0", 1400, true, 0, "bridge"}, {4, "wlan0", 1500, true, 0, ""}};
  host.addresses = {{1, *ParseIpv4Prefix("127.0.0.1/8"), 0},
                    {3, *ParseIpv4Prefix("192.0.2.1/24"), *ParseIpv4("192.0.2.255")},
                    {4, *ParseIpv4Prefix("198.51.100.7/24"), 0}};
  host.routes = {Route("0.0.0.0/0", "192.0.2.254", 3),
                 Route("192.0.2.0/24", nullptr, 3, RTPROT_KERNEL),
                 Route("203.0.113.0/24", "192.0.2.9", 3),
                 Route("203.0.113.128/25", "198.51.100.1", 4),  // not through br0
                 Route("198.51.100.0/24", nullptr, 4, RTPROT_KERNEL)};
  netlink::RouteInfo local = Route("192.0.2.1/32", nullptr, 3, RTPROT_KERNEL);
  local.table = RT_TABLE_LOCAL;
  local.type = RTN_LOCAL;
  host.routes.push_back(local);
  return host;
}

ResolverConfig Resolver(const std::string& file) { return ParseResolvConf(umla::testing::ReadGolden(file)); }

TEST(PlanMirror, ClassicBridgeGoldenJsonAndCmdline) {
  std::vector<std::string> notes;
  ResolverConfig resolver = ChooseResolver(Resolver("net/host-stub-resolv.conf"),
                                           Resolver("net/host-upstream-resolv.conf"), &notes);
  ASSERT_EQ(notes.size(), 1u);
  auto plan = PlanMirror(ClassicHost(), resolver, {"br0", *ParseIpv4Prefix("192.0.2.2/24")});
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  EXPECT_TRUE(plan->warnings.empty()) << plan->warnings[0];
  umla::testing::ExpectGolden("net/netconf-br0.json", MirrorJson(*plan, "br0"));
  std::string line;
  for (const auto& arg : MirrorKernelArgs(plan->config)) line += arg + "\n";
  umla::testing::ExpectGolden("net/netconf-br0.cmdline", line);
}

TEST(PlanMirror, RejectsAddressesThatDoNotFit) {
  HostNetwork host = ClassicHost();
  auto plan = [&](const char* iface, const char* guest) {
    return PlanMirror(host, {}, {iface, *ParseIpv4Prefix(guest)});
  };
  EXPECT_EQ(plan("br9", "192.0.2.2/24").status().message(), "no network interface br9 on this host");
  EXPECT_EQ(plan("eth0", "192.0.2.2/24").status().message(), "eth0 has no IPv4 address to mirror");
  EXPECT_EQ(plan("br0", "192.0.3.2/24").status().message(),
            "guest address 192.0.3.2 is outside the subnet of br0 (192.0.2.1/24)");
  EXPECT_EQ(plan("br0", "192.0.2.1/24").status().message(),
            "guest address 192.0.2.1/24 is the host's own address on br0");
  EXPECT_EQ(plan("br0", "192.0.2.255/24").status().message(),
            "guest address 192.0.2.255/24 is the network or broadcast address of 192.0.2.1/24");
  EXPECT_EQ(plan("br0", "192.0.2.2/25").status().message(),
            "guest address 192.0.2.2/25 has another prefix length than br0 (192.0.2.1/24)");
}

TEST(PlanMirror, NoUsableDefaultRouteIsAWarning) {
  HostNetwork host = ClassicHost();
  host.routes.erase(host.routes.begin());
  auto plan = PlanMirror(host, {}, {"br0", *ParseIpv4Prefix("192.0.2.2/24")});
  ASSERT_TRUE(plan.ok());
  EXPECT_FALSE(plan->config.gateway);
  ASSERT_FALSE(plan->warnings.empty());
  EXPECT_EQ(plan->warnings[0], "the host has no default route: the guest gets none");

  host.routes.push_back(Route("0.0.0.0/0", "198.51.100.1", 4));
  plan = PlanMirror(host, {}, {"br0", *ParseIpv4Prefix("192.0.2.2/24")});
  ASSERT_TRUE(plan.ok());
  EXPECT_FALSE(plan->config.gateway);
  EXPECT_EQ(plan->warnings[0],
            "the host's default route is of no use to the guest (198.51.100.1 is outside "
            "192.0.2.2/24's subnet): the guest gets no default route");
}

// What the guest gets must pass the agent's checks (net_settings_test has the round
// trip): the host's routers are often its neighbours, but the guest cannot route
// through its own address, nor have two routes to one destination.
TEST(PlanMirror, LeavesOutRoutesTheAgentWouldRefuse) {
  HostNetwork host = ClassicHost();
  host.routes.insert(host.routes.begin(), Route("0.0.0.0/0", "192.0.2.2", 3));
  host.routes.push_back(Route("203.0.113.0/24", "192.0.2.10", 3));  // a higher metric
  host.routes.push_back(Route("198.51.100.0/24", "192.0.2.2", 3));
  host.routes.push_back(Route("192.0.2.0/24", "192.0.2.9", 3));
  auto plan = PlanMirror(host, {}, {"br0", *ParseIpv4Prefix("192.0.2.2/24")});
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  EXPECT_EQ(FormatIpv4(*plan->config.gateway), "192.0.2.254");  // the next default route
  ASSERT_EQ(plan->config.routes.size(), 1u);
  EXPECT_EQ(FormatNetRoute(plan->config.routes[0]), "203.0.113.0/24@192.0.2.9");
  EXPECT_EQ(plan->warnings,
            (std::vector<std::string>{
                "route 203.0.113.0/24@192.0.2.10 on br0: the guest already has a route to "
                "203.0.113.0/24, left out",
                "route 198.51.100.0/24@192.0.2.2 on br0: 192.0.2.2 is the interface's own "
                "address, left out",
                "route 192.0.2.0/24@192.0.2.9 on br0: the guest already has a route to "
                "192.0.2.0/24, left out",
                "no usable nameserver on the host: the guest's resolv.conf gets none"}));
  host.routes.erase(host.routes.begin() + 1);  // the default via 192.0.2.254
  plan = PlanMirror(host, {}, {"br0", *ParseIpv4Prefix("192.0.2.2/24")});
  ASSERT_TRUE(plan.ok());
  EXPECT_FALSE(plan->config.gateway);
  EXPECT_EQ(plan->warnings[0],
            "the host's default route is of no use to the guest (192.0.2.2 is the interface's own "
            "address): the guest gets no default route");
}

// The round trip: the settings the mirror hands over pass the agent's checks whole,
// with nothing for it to leave out, however many routes the host has.
TEST(PlanMirror, TheAgentTakesWhatTheMirrorGives) {
  HostNetwork host = ClassicHost();
  host.routes.push_back(Route("198.51.100.0/24", nullptr, 3));
  host.routes.push_back(Route("203.0.113.0/24", "192.0.2.10", 3));
  host.routes.push_back(Route("198.51.100.0/24", nullptr, 3));
  host.routes.push_back(Route("0.0.0.0/0", "192.0.2.253", 3));
  auto plan = PlanMirror(host, {}, {"br0", *ParseIpv4Prefix("192.0.2.2/24")});
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  agent::Settings settings;
  for (const auto& [key, value] : NetConfigSettings(plan->config)) settings.Set(key, value, "netconf");
  auto net = agent::ReadNetSettings(settings);
  ASSERT_TRUE(net.ok()) << net.status().message();
  ASSERT_TRUE(*net);
  EXPECT_TRUE((*net)->notes.empty()) << (*net)->notes[0];
  EXPECT_EQ((*net)->config.gateway, plan->config.gateway);
  EXPECT_EQ((*net)->config.routes.size(), plan->config.routes.size());
}

// The host's broadcast is copied when the agent takes it (255.255.255.255 included, as
// some hosts have it); one it would refuse gives way to the subnet's usual one.
TEST(PlanMirror, CopiesTheHostsBroadcastWhenTheAgentTakesIt) {
  HostNetwork host = ClassicHost();
  auto mirrored = [&](const char* broadcast) {
    host.addresses[1].broadcast = *ParseIpv4(broadcast);
    auto plan = PlanMirror(host, {}, {"br0", *ParseIpv4Prefix("192.0.2.2/24")});
    EXPECT_TRUE(plan.ok());
    agent::Settings settings;
    for (const auto& [key, value] : NetConfigSettings(plan->config)) settings.Set(key, value, "netconf");
    auto net = agent::ReadNetSettings(settings);
    EXPECT_TRUE(net.ok()) << net.status().message();
    std::string seen = FormatIpv4(plan->config.broadcast);
    for (const auto& warning : plan->warnings) {
      if (warning.find("broadcast") != std::string::npos) seen += "; " + warning;
    }
    return seen;
  };
  EXPECT_EQ(mirrored("255.255.255.255"), "255.255.255.255");
  EXPECT_EQ(mirrored("192.0.2.127"), "192.0.2.127");
  EXPECT_EQ(mirrored("192.0.2.254"),  // the default route's gateway
            "192.0.2.255; host broadcast address 192.0.2.254 is the guest's gateway; the "
            "guest gets 192.0.2.255 instead");
  EXPECT_EQ(mirrored("192.0.2.2"),
            "192.0.2.255; host broadcast address 192.0.2.2 is the interface's own address: "
            "expected another address of 192.0.2.0/24 (the usual one is 192.0.2.255), 0.0.0.0 "
            "for none or 255.255.255.255; the guest gets 192.0.2.255 instead");
}

TEST(PlanMirror, LeavesOutResolversTheGuestCannotUse) {
  ResolverConfig resolver;
  resolver.nameservers = {"127.0.0.1", "2001:db8::53", "198.51.100.053", "198.51.100.53"};
  resolver.search = {"example.test"};
  auto plan = PlanMirror(ClassicHost(), resolver, {"br0", *ParseIpv4Prefix("192.0.2.2/24")});
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->config.dns.nameservers, std::vector<std::string>{"198.51.100.53"});
  ASSERT_EQ(plan->warnings.size(), 3u);
  EXPECT_EQ(plan->warnings[0], "nameserver 127.0.0.1 is the host's loopback: left out");
  EXPECT_EQ(plan->warnings[1], "nameserver 2001:db8::53 is not IPv4: left out");
  // The host's C library reads 053 as octal (43); the guest is not handed a guess.
  EXPECT_EQ(plan->warnings[2],
            "nameserver 198.51.100.053 is not IPv4; \"053\" has a leading zero, which inet_aton "
            "and ip read as octal: left out");
}

TEST(ResolvConf, ParsesLikeTheCLibrary) {
  ResolverConfig parsed = ParseResolvConf(
      "# comment\nnameserver 198.51.100.53 # trailing\n; other comment\ndomain old.test\n"
      "search a.test b.test\nnameserver 2001:db8::53\noptions ndots:2\noptions edns0\nsortlist x\n");
  EXPECT_EQ(parsed.nameservers, (std::vector<std::string>{"198.51.100.53", "2001:db8::53"}));
  EXPECT_EQ(parsed.search, (std::vector<std::string>{"a.test", "b.test"}));
  EXPECT_EQ(parsed.options, (std::vector<std::string>{"ndots:2", "edns0"}));
}

TEST(ResolvConf, StubWithoutUpstreamFileIsKeptWithANote) {
  std::vector<std::string> notes;
  ResolverConfig stub = Resolver("net/host-stub-resolv.conf");
  ResolverConfig chosen = ChooseResolver(stub, std::nullopt, &notes);
  EXPECT_EQ(chosen.nameservers, stub.nameservers);
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_NE(notes[0].find("is unreadable"), std::string::npos);
  notes.clear();
  ResolverConfig plain = ParseResolvConf("nameserver 198.51.100.53\n");
  EXPECT_EQ(ChooseResolver(plain, stub, &notes).nameservers, plain.nameservers);
  EXPECT_TRUE(notes.empty());
}

TEST(GuestNetDevice, FindsEthOrVectorInterfaces) {
  EXPECT_EQ(GuestNetDevice({"mem=64M", "eth0=tuntap,tap0"}), "eth0");
  EXPECT_EQ(GuestNetDevice({"vec0:transport=tap,ifname=tap0"}), "vec0");
  EXPECT_EQ(GuestNetDevice({"ether=1", "eth=2", "root=/dev/ubda"}), std::nullopt);
}

TEST(CommandLine, LengthCountsSeparators) {
  EXPECT_EQ(CommandLineLength({"ab", "c"}), 5u);
}

}  // namespace
}  // namespace umla::bridge

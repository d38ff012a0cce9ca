#include "host-bridge/hostnet/net_setup_state.h"

#include <gtest/gtest.h>

#include <linux/rtnetlink.h>

#include "tests/unit/golden.h"

namespace umla::bridge {
namespace {

TEST(NetSetupState, RoundTripsAndRejectsOtherFiles) {
  NetSetupState state{"br0", "tap0", true, false, "eth1", true};
  auto back = NetSetupStateFromJson(NetSetupStateToJson(state), "state.json");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->bridge, "br0");
  EXPECT_EQ(back->tap, "tap0");
  EXPECT_TRUE(back->created_bridge);
  EXPECT_FALSE(back->created_tap);
  EXPECT_EQ(back->uplink, "eth1");
  EXPECT_TRUE(back->uplink_was_down);
  EXPECT_EQ(NetSetupStateFromJson("[1]", "/run/x.json").status().message(),
            "/run/x.json: not a net-setup state file");
  EXPECT_EQ(NetSetupStateFileName(4026531840, "br0"), "net-setup.4026531840.br0.json");
}

// The names in a record reach paths and messages: held to the options' rule.
TEST(NetSetupState, RejectsNamesTheOptionsWouldNot) {
  auto bad = NetSetupStateFromJson(R"({"bridge": "br0", "tap": "../x"})", "/run/x.json");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(),
            "/run/x.json: \"tap\" is \"../x\": expected an interface name of 1 to 15 letters, "
            "digits, _ . -");
  EXPECT_FALSE(NetSetupStateFromJson(R"({"bridge": ".."})", "/run/x.json").ok());
  EXPECT_FALSE(NetSetupStateFromJson(R"({"bridge": "br0", "uplink": "a b"})", "/run/x.json").ok());
  EXPECT_TRUE(NetSetupStateFromJson(R"({"bridge": "br0"})", "/run/x.json").ok());
}

// What identifies the devices net-setup created: the index each got, next to its flag.
TEST(NetSetupState, KeepsTheIndexOfEachCreatedDevice) {
  NetSetupState state{"br0", "tap0", true, true, "eth0", false, {}};
  state.moved.addresses = {{*ParseIpv4Prefix("192.0.2.1/24"), 0}};
  state.moved.routes = {{*ParseNetRoute("0.0.0.0/0@192.0.2.254"), {RTPROT_BOOT, 0}}};
  state.bridge_ifindex = 12;
  state.tap_ifindex = 13;
  umla::testing::ExpectGolden("net/net-setup-state.json", NetSetupStateToJson(state));
  auto back = NetSetupStateFromJson(NetSetupStateToJson(state), "state.json");
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back->bridge_ifindex, 12);
  EXPECT_EQ(back->tap_ifindex, 13);

  // A record of an older uml-bridge has none: 0, "not known".
  auto old = NetSetupStateFromJson(umla::testing::ReadGolden("net/net-setup-state-before-ifindex.json"),
                                   "old.json");
  ASSERT_TRUE(old.ok()) << old.status().message();
  EXPECT_TRUE(old->created_tap);
  EXPECT_EQ(old->tap_ifindex, 0);

  for (const char* bad : {R"({"bridge": "br0", "tap_ifindex": 0})", R"({"bridge": "br0", "tap_ifindex": -3})",
                          R"({"bridge": "br0", "tap_ifindex": "7"})",
                          R"({"bridge": "br0", "tap_ifindex": 4294967296})"}) {
    auto parsed = NetSetupStateFromJson(bad, "/run/x.json");
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.status().message().rfind("/run/x.json: \"tap_ifindex\" is ", 0), 0u)
        << parsed.status().message();
  }
}

netlink::RouteInfo Route(const char* text, int oif, uint8_t protocol = RTPROT_BOOT,
                         uint32_t metric = 0, uint32_t table = RT_TABLE_MAIN) {
  netlink::RouteInfo route;
  route.route = *ParseNetRoute(text);
  route.oif = oif;
  route.protocol = protocol;
  route.metric = metric;
  route.table = table;
  route.type = RTN_UNICAST;
  return route;
}

// What moves with the uplink: its own addresses and the main-table routes through it,
// not the routes the kernel made for an address, nor other links' or tables' routes.
TEST(UplinkConfig, TakesTheLinksAddressesAndTheRoutesThroughIt) {
  std::vector<netlink::AddressInfo> addresses = {
      {2, *ParseIpv4Prefix("192.0.2.1/24"), *ParseIpv4("192.0.2.255")},
      {3, *ParseIpv4Prefix("198.51.100.1/24"), 0},
      {2, *ParseIpv4Prefix("203.0.113.7/32"), 0}};
  std::vector<netlink::RouteInfo> routes = {
      Route("0.0.0.0/0@192.0.2.254", 2),
      Route("192.0.2.0/24", 2, RTPROT_KERNEL),
      Route("203.0.113.0/24@192.0.2.9", 2, RTPROT_STATIC, 50),
      Route("198.51.100.0/25", 2),
      Route("0.0.0.0/0@198.51.100.254", 3),
      Route("10.0.0.0/8@192.0.2.9", 2, RTPROT_BOOT, 0, 100)};
  UplinkConfig config = UplinkConfigOf(2, addresses, routes);
  ASSERT_EQ(config.addresses.size(), 2u);
  EXPECT_EQ(DescribeAddress(config.addresses[0]), "192.0.2.1/24 brd 192.0.2.255");
  EXPECT_EQ(DescribeAddress(config.addresses[1]), "203.0.113.7/32");
  ASSERT_EQ(config.routes.size(), 3u);
  EXPECT_EQ(DescribeRoute(config.routes[0]), "198.51.100.0/25");  // on-link first
  EXPECT_EQ(DescribeRoute(config.routes[1]), "default via 192.0.2.254");
  EXPECT_EQ(DescribeRoute(config.routes[2]), "203.0.113.0/24 via 192.0.2.9 metric 50");
  EXPECT_EQ(config.routes[1].origin.protocol, RTPROT_BOOT);
  EXPECT_TRUE(UplinkConfigOf(9, addresses, routes).empty());
}

TEST(NetSetupState, KeepsWhatMovedFromTheUplinkAndRejectsBadEntries) {
  NetSetupState state{"br0", "tap0", true, true, "eth0", false, {}};
  state.moved.addresses = {{*ParseIpv4Prefix("192.0.2.1/24"), *ParseIpv4("192.0.2.255")}};
  state.moved.routes = {{*ParseNetRoute("0.0.0.0/0@192.0.2.254"), {RTPROT_BOOT, 0}},
                        {*ParseNetRoute("203.0.113.0/24@192.0.2.9"), {RTPROT_STATIC, 50}}};
  auto back = NetSetupStateFromJson(NetSetupStateToJson(state), "state.json");
  ASSERT_TRUE(back.ok()) << back.status().message();
  ASSERT_EQ(back->moved.addresses.size(), 1u);
  EXPECT_EQ(DescribeAddress(back->moved.addresses[0]), "192.0.2.1/24 brd 192.0.2.255");
  ASSERT_EQ(back->moved.routes.size(), 2u);
  EXPECT_EQ(DescribeRoute(back->moved.routes[1]), "203.0.113.0/24 via 192.0.2.9 metric 50");
  EXPECT_EQ(back->moved.routes[0].origin.protocol, RTPROT_BOOT);
  // Nothing moved: no entry at all, as before.
  EXPECT_EQ(NetSetupStateToJson(NetSetupState{"br0", "tap0"}).find("moved"), std::string::npos);

  auto bad = NetSetupStateFromJson(
      R"({"bridge": "br0", "moved_from_uplink": {"addresses": [{"address": "192.0.2.300/24"}]}})",
      "/run/x.json");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("/run/x.json: not an uplink entry"), std::string::npos);
  bad = NetSetupStateFromJson(
      R"({"bridge": "br0", "moved_from_uplink": {"routes": [{"route": "0.0.0.0/0", "metric": -1}]}})",
      "/run/x.json");
  EXPECT_FALSE(bad.ok());
  // A route without protocol and metric: static (4) and 0.
  auto defaults = NetSetupStateFromJson(
      R"({"bridge": "br0", "moved_from_uplink": {"routes": [{"route": "0.0.0.0/0@192.0.2.254"}]}})",
      "/run/x.json");
  ASSERT_TRUE(defaults.ok()) << defaults.status().message();
  ASSERT_EQ(defaults->moved.routes.size(), 1u);
  EXPECT_EQ(defaults->moved.routes[0].origin.protocol, RTPROT_STATIC);
  EXPECT_EQ(defaults->moved.routes[0].origin.metric, 0u);
}

// A number with a leading zero (which inet_aton and ip read as octal) is named, as
// the guest's and netconf's messages name it, in whichever field it is.
TEST(NetSetupState, NamesALeadingZeroInAnUplinkEntry) {
  const char* note = "\"010\" has a leading zero, which inet_aton and ip read as octal";
  struct Case {
    const char* moved;
    std::string message;
  };
  const Case cases[] = {
      {R"({"addresses": [{"address": "192.0.2.010/24"}]})",
       R"(/run/x.json: not an uplink entry: {"address":"192.0.2.010/24"}; )" + std::string(note)},
      {R"({"addresses": [{"address": "192.0.2.1/24", "broadcast": "192.0.2.010"}]})",
       R"(/run/x.json: not an uplink entry: {"address":"192.0.2.1/24","broadcast":"192.0.2.010"}; )" +
           std::string(note)},
      {R"({"routes": [{"route": "0.0.0.0/0@192.0.2.010", "protocol": 3, "metric": 0}]})",
       R"(/run/x.json: not an uplink entry: {"metric":0,"protocol":3,"route":"0.0.0.0/0@192.0.2.010"}; )" +
           std::string(note)},
  };
  for (const Case& c : cases) {
    auto bad = NetSetupStateFromJson(
        std::string(R"({"bridge": "br0", "moved_from_uplink": )") + c.moved + "}", "/run/x.json");
    ASSERT_FALSE(bad.ok()) << c.moved;
    EXPECT_EQ(bad.status().message(), c.message);
  }
  // Refused for another reason: no note.
  auto bad = NetSetupStateFromJson(
      R"({"bridge": "br0", "moved_from_uplink": {"addresses": [{"address": "192.0.2.300/24"}]}})",
      "/run/x.json");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(),
            R"(/run/x.json: not an uplink entry: {"address":"192.0.2.300/24"})");
}

}  // namespace
}  // namespace umla::bridge

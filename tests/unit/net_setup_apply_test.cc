// net-setup's changes on a fake host (host_links_fake.h): what it creates and records,
// and what --down removes.
#include "host-bridge/hostnet/net_setup_apply.h"

#include <gtest/gtest.h>

#include <sstream>

#include "tests/unit/host_links_fake.h"

namespace umla::bridge {
namespace {

using Calls = std::vector<std::string>;

class NetSetupApplyTest : public ::testing::Test {
 protected:
  // One net-setup run: `state` as the record left it; the saves it made in `saved`.
  Status Up(NetSetupRequest request = {"br0", "tap0", std::nullopt, ""}) {
    state.bridge = request.bridge;
    state.tap = request.tap;
    return SetUpBridge(host, request, &state, save, out);
  }
  Status Down() { return TearDownBridge(host, state, out); }

  FakeHostLinks host;
  NetSetupState state;
  std::vector<NetSetupState> saved;
  SaveNetSetupState save = [this](const NetSetupState& s) {
    saved.push_back(s);
    return Status::Ok();
  };
  std::ostringstream out;
};

TEST_F(NetSetupApplyTest, CreatesWhatIsMissingOnceAndDownRemovesIt) {
  ASSERT_TRUE(Up().ok());
  EXPECT_EQ(out.str(), "created bridge br0\ncreated persistent tap tap0\n"
                       "tap0: now a port of br0\nbr0: up\n");
  ASSERT_NE(host.Find("tap0"), nullptr);
  EXPECT_EQ(host.Find("tap0")->master, host.Find("br0")->index);
  EXPECT_TRUE(host.Find("tap0")->up);
  EXPECT_TRUE(host.Find("br0")->up);
  EXPECT_TRUE(state.created_bridge);
  EXPECT_TRUE(state.created_tap);
  ASSERT_FALSE(saved.empty());
  EXPECT_TRUE(saved.back().created_tap);

  out.str("");
  host.calls.clear();
  ASSERT_TRUE(Up().ok());
  EXPECT_EQ(out.str(), "");
  EXPECT_EQ(host.calls, Calls{});

  ASSERT_TRUE(Down().ok());
  EXPECT_EQ(out.str(), "removed tap0\nremoved br0\n");
  EXPECT_TRUE(host.links.empty());
}

TEST_F(NetSetupApplyTest, DownLeavesWhatExistedBefore) {
  host.Add("br0", "bridge");
  ASSERT_TRUE(Up().ok());
  EXPECT_FALSE(state.created_bridge);
  ASSERT_TRUE(Down().ok());
  EXPECT_EQ(out.str().find("removed br0"), std::string::npos);
  EXPECT_NE(host.Find("br0"), nullptr);
  EXPECT_EQ(host.Find("tap0"), nullptr);
}

// The uplink's address and routes go to the bridge (recorded before it joins), and
// --down gives them back.
TEST_F(NetSetupApplyTest, UplinkConfigMovesToTheBridgeAndBack) {
  int eth0 = host.Add("eth0", "");
  host.addresses.push_back({eth0, *ParseIpv4Prefix("192.0.2.1/24"), *ParseIpv4("192.0.2.255")});
  host.routes.push_back({RT_TABLE_MAIN, *ParseNetRoute("0.0.0.0/0@192.0.2.254"), eth0, RTPROT_BOOT,
                         RTN_UNICAST, 0});
  ASSERT_TRUE(Up({"br0", "tap0", std::nullopt, "eth0"}).ok());
  ASSERT_GE(saved.size(), 2u);
  EXPECT_EQ(saved.back().uplink, "eth0");
  EXPECT_EQ(saved.back().moved.addresses.size(), 1u);
  int br0 = host.Find("br0")->index;
  EXPECT_EQ(host.Find("eth0")->master, br0);
  ASSERT_EQ(host.addresses.size(), 1u);
  EXPECT_EQ(host.addresses[0].index, br0);
  ASSERT_EQ(host.routes.size(), 1u);
  EXPECT_EQ(host.routes[0].oif, br0);

  ASSERT_TRUE(Down().ok());
  EXPECT_EQ(host.Find("eth0")->master, 0);
  ASSERT_EQ(host.addresses.size(), 1u);
  EXPECT_EQ(host.addresses[0].index, eth0);
  ASSERT_EQ(host.routes.size(), 1u);
  EXPECT_EQ(host.routes[0].oif, eth0);
  EXPECT_EQ(host.Find("br0"), nullptr);
}

}  // namespace
}  // namespace umla::bridge

#include "host-bridge/hostnet/net_setup_state.h"

#include <gtest/gtest.h>

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
  EXPECT_EQ(NetSetupStatePath(4026531840, "br0"), "/run/uml-bridge/net-setup.4026531840.br0.json");
}

}  // namespace
}  // namespace umla::bridge

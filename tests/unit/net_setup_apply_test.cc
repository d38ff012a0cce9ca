// net-setup's changes on a fake host (host_links_fake.h): what it creates and records,
// and what --down removes; one check against the kernel, in a namespace of its own.
#include "host-bridge/hostnet/net_setup_apply.h"

#include <sched.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <sstream>
#include <thread>

#include "host-bridge/hostnet/uplink_move.h"
#include "tests/unit/golden.h"
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
  Status Down() { return TearDownBridge(host, &state, out, &warnings); }

  FakeHostLinks host;
  NetSetupState state;
  std::vector<NetSetupState> saved;
  size_t fail_save = 0;  // the save (1: the first) that fails; 0: none
  SaveNetSetupState save = [this](const NetSetupState& s) {
    if (saved.size() + 1 == fail_save) return Status::Error("write /run/x.json: No space left on device");
    saved.push_back(s);
    return Status::Ok();
  };
  std::ostringstream out;
  std::vector<std::string> warnings;
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
  EXPECT_EQ(state.bridge_ifindex, host.Find("br0")->index);
  EXPECT_EQ(state.tap_ifindex, host.Find("tap0")->index);
  ASSERT_EQ(saved.size(), 3u);  // after each creation, before the first other change
  EXPECT_EQ(saved[0].bridge_ifindex, host.Find("br0")->index);
  EXPECT_FALSE(saved[0].created_tap);
  EXPECT_EQ(saved[1].tap_ifindex, host.Find("tap0")->index);

  out.str("");
  host.calls.clear();
  ASSERT_TRUE(Up().ok());
  EXPECT_EQ(out.str(), "");
  EXPECT_EQ(host.calls, Calls{});

  ASSERT_TRUE(Down().ok());
  EXPECT_EQ(out.str(), "removed tap0\nremoved br0\n");
  EXPECT_TRUE(host.links.empty());
  EXPECT_EQ(warnings, Calls{});
  EXPECT_FALSE(state.created_tap || state.created_bridge);
}

// A device whose record cannot be saved is deleted again: unrecorded, --down could
// never remove it. What was recorded before stays.
TEST_F(NetSetupApplyTest, ADeviceThatCannotBeRecordedIsDeletedAgain) {
  fail_save = 1;
  Status up = Up();
  ASSERT_FALSE(up.ok());
  EXPECT_EQ(up.message(), "write /run/x.json: No space left on device; br0 deleted again");
  EXPECT_EQ(host.calls, (Calls{"create bridge br0", "delete link br0 (index 10)"}));
  EXPECT_TRUE(host.links.empty());
  EXPECT_FALSE(state.created_bridge);
  EXPECT_EQ(out.str(), "");

  fail_save = 2;
  host.calls.clear();
  up = Up();
  ASSERT_FALSE(up.ok());
  EXPECT_EQ(up.message(), "write /run/x.json: No space left on device; tap0 deleted again");
  EXPECT_EQ(host.calls, (Calls{"create bridge br0", "create tap tap0", "delete link tap0 (index 12)"}));
  ASSERT_EQ(saved.size(), 1u);
  EXPECT_EQ(saved[0].bridge_ifindex, 11);  // the bridge stays, recorded
  EXPECT_EQ(host.Find("tap0"), nullptr);
  EXPECT_EQ(out.str(), "created bridge br0\n");
}

TEST_F(NetSetupApplyTest, ADeviceThatCannotBeRecordedNorDeletedIsNamed) {
  fail_save = 1;
  host.fail.insert("delete link br0 (index 10)");
  Status up = Up();
  ASSERT_FALSE(up.ok());
  EXPECT_EQ(up.message(),
            "write /run/x.json: No space left on device; br0 could not be deleted again (delete "
            "link br0 (index 10): Operation not permitted): not recorded, remove it with `ip link "
            "delete br0`");
}

// Deleted and made again by someone else under the same name: the new device is not
// net-setup's, --down leaves it, says so, and drops it from the record.
TEST_F(NetSetupApplyTest, DownLeavesADeviceMadeSinceUnderTheSameName) {
  ASSERT_TRUE(Up().ok());
  int made = host.Find("tap0")->index;
  ASSERT_TRUE(host.DeleteLink(*host.Find("tap0")).ok());
  int theirs = host.Add("tap0", "tun");
  host.calls.clear();
  ASSERT_TRUE(Down().ok());
  EXPECT_EQ(host.calls, Calls{"delete link br0 (index 10)"});
  ASSERT_NE(host.Find("tap0"), nullptr);
  EXPECT_EQ(host.Find("tap0")->index, theirs);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0], "tap0 not removed: net-setup created it as ifindex " + std::to_string(made) +
                             " (kind tun), but tap0 is ifindex " + std::to_string(theirs) +
                             " (kind tun) now, a device made since under that name, not "
                             "net-setup's to delete");
  EXPECT_EQ(out.str().find("removed tap0"), std::string::npos);
  EXPECT_FALSE(state.created_tap);
  EXPECT_EQ(state.tap_ifindex, 0);
}

// Same index, other kind (moved in from another namespace, say): not ours either.
TEST_F(NetSetupApplyTest, DownLeavesADeviceOfAnotherKind) {
  ASSERT_TRUE(Up().ok());
  host.links.erase(host.links.begin());  // br0, index 10
  host.links.push_back({10, "br0", 1500, true, 0, "dummy"});
  ASSERT_TRUE(Down().ok());
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("br0 is ifindex 10 (kind dummy) now"), std::string::npos) << warnings[0];
  EXPECT_NE(host.Find("br0"), nullptr);
  EXPECT_EQ(host.Find("tap0"), nullptr);
}

// A record from before indexes were kept cannot tell net-setup's device from another:
// --down leaves it, says how to remove it, and drops it from the record.
TEST_F(NetSetupApplyTest, DownLeavesDevicesOfARecordWithoutIndexes) {
  host.Add("br0", "bridge");
  host.Add("tap0", "tun");
  auto old = NetSetupStateFromJson(
      umla::testing::ReadGolden("net/net-setup-state-before-ifindex.json"), "old.json");
  ASSERT_TRUE(old.ok()) << old.status().message();
  state = *old;
  EXPECT_TRUE(state.created_bridge && state.created_tap);
  EXPECT_EQ(state.bridge_ifindex, 0);
  ASSERT_TRUE(Down().ok());
  EXPECT_EQ(host.links.size(), 2u);
  ASSERT_EQ(warnings.size(), 2u);
  EXPECT_EQ(warnings[0], "tap0 not removed: the record (from an older uml-bridge) has no ifindex "
                         "for it, so it cannot be told from a device made since under that name; "
                         "if it is the one net-setup created, remove it with `ip link delete tap0`");
  EXPECT_FALSE(state.created_tap || state.created_bridge);
}

// A deletion that fails keeps the device in the record (another --down tries again);
// what was done or left leaves it.
TEST_F(NetSetupApplyTest, DownKeepsOnlyWhatIsStillToUndo) {
  ASSERT_TRUE(Up().ok());
  host.fail.insert("delete link br0 (index 10)");
  Status down = Down();
  ASSERT_FALSE(down.ok());
  EXPECT_EQ(down.message(), "delete link br0 (index 10): Operation not permitted");
  EXPECT_FALSE(state.created_tap);
  EXPECT_TRUE(state.created_bridge);
  EXPECT_EQ(state.bridge_ifindex, 10);
  host.fail.clear();
  ASSERT_TRUE(Down().ok());
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

// A --down that gave the uplink back but could not delete the bridge records only the
// bridge: the next --down does not move the uplink's address and routes again.
TEST_F(NetSetupApplyTest, AnUplinkGivenBackLeavesTheRecord) {
  int eth0 = host.Add("eth0", "");
  host.addresses.push_back({eth0, *ParseIpv4Prefix("192.0.2.1/24"), *ParseIpv4("192.0.2.255")});
  ASSERT_TRUE(Up({"br0", "tap0", std::nullopt, "eth0"}).ok());
  host.fail.insert("delete link br0 (index " + std::to_string(host.Find("br0")->index) + ")");
  ASSERT_FALSE(Down().ok());
  EXPECT_EQ(host.Find("eth0")->master, 0);
  EXPECT_EQ(state.uplink, "");
  EXPECT_TRUE(state.moved.addresses.empty());
  EXPECT_TRUE(state.created_bridge);
  host.fail.clear();
  out.str("");
  ASSERT_TRUE(Down().ok());
  EXPECT_EQ(out.str().find("eth0"), std::string::npos) << out.str();
  ASSERT_EQ(host.addresses.size(), 1u);
  EXPECT_EQ(host.addresses[0].index, eth0);
}

// The same against the kernel, in a network namespace of the test's own (root only):
// a tap deleted and made again gets another index, and --down leaves it. The whole
// test runs on one thread that owns the namespace: /dev/net/tun makes a tap in the
// namespace of the thread that opens it. The namespace, and what is left in it, goes
// when the thread ends.
TEST(NetSetupApplyKernel, DownLeavesATapMadeAgainUnderItsName) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root for a network namespace";
  std::thread([] {
    ASSERT_EQ(::unshare(CLONE_NEWNET), 0) << std::strerror(errno);
    NetlinkHostLinks links;
    ASSERT_TRUE(links.Open().ok());
    NetSetupState state{"br0", "tap0"};
    std::ostringstream out;
    SaveNetSetupState save = [](const NetSetupState&) { return Status::Ok(); };
    Status up = SetUpBridge(links, {"br0", "tap0", std::nullopt, ""}, &state, save, out);
    ASSERT_TRUE(up.ok()) << up.message();
    auto tap = LinkNamed(links, "tap0");
    ASSERT_TRUE(tap.ok());
    EXPECT_EQ(state.tap_ifindex, tap->index);
    EXPECT_EQ(tap->kind, "tun");
    ASSERT_TRUE(links.DeleteLink(*tap).ok());
    ASSERT_TRUE(links.CreateTap("tap0", std::nullopt).ok());  // someone else's now
    auto theirs = LinkNamed(links, "tap0");
    ASSERT_TRUE(theirs.ok());
    EXPECT_NE(theirs->index, state.tap_ifindex);

    std::vector<std::string> warnings;
    Status down = TearDownBridge(links, &state, out, &warnings);
    ASSERT_TRUE(down.ok()) << down.message();
    EXPECT_EQ(warnings.size(), 1u);
    EXPECT_TRUE(LinkNamed(links, "tap0").ok());
    EXPECT_FALSE(LinkNamed(links, "br0").ok());
    EXPECT_TRUE(links.DeleteLink(*theirs).ok());
  }).join();
}

}  // namespace
}  // namespace umla::bridge

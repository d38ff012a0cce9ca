#include <algorithm>
#include <regex>
#include <sstream>

#include <gtest/gtest.h>

#include "agent/steps/net/dns_step.h"
#include "agent/steps/net/ifupdown_interfaces.h"
#include "agent/steps/net/net_step.h"
#include "agent/steps/net/persistent_files.h"
#include "agent/steps/net/resolv_conf_render.h"
#include "tests/unit/golden.h"
#include "tests/unit/net_step_fixture.h"

namespace umla::agent {
namespace {

const char* kCmdline = kNetCmdline;

class NetStepsTest : public NetStepFixture {};

TEST_F(NetStepsTest, WritesEveryDistributionFileAndGoldensMatch) {
  auto net = MakeNetStep();
  StepOutcome outcome = Run(*net, kCmdline);
  ASSERT_TRUE(outcome.status.ok()) << outcome.status.message();
  EXPECT_EQ(outcome.changes.size(), 9u);  // up, address, 2 routes (MTU is right), 5 files
  using umla::testing::ExpectGolden;
  ExpectGolden("net/ifcfg-eth0", files.files["/etc/sysconfig/network-scripts/ifcfg-eth0"]);
  ExpectGolden("net/route-eth0", files.files["/etc/sysconfig/network-scripts/route-eth0"]);
  ExpectGolden("net/interfaces.out", files.files["/etc/network/interfaces"]);
  ExpectGolden("net/uml-agent-eth0", files.files["/etc/network/interfaces.d/uml-agent-eth0"]);
  ExpectGolden("net/10-uml-agent-eth0.network",
               files.files["/etc/systemd/network/10-uml-agent-eth0.network"]);

  auto dns = MakeDnsStep();
  outcome = Run(*dns, kCmdline);
  ASSERT_TRUE(outcome.status.ok()) << outcome.status.message();
  EXPECT_EQ(outcome.changes, std::vector<std::string>{"+ write /etc/resolv.conf"});
  ExpectGolden("net/resolv.conf", files.files["/etc/resolv.conf"]);

  // A second run plans and changes nothing, and lists no directory: looking for files
  // of other interfaces is for a boot that writes one.
  files.listed.clear();
  EXPECT_TRUE(Run(*net, kCmdline, true).changes.empty());
  EXPECT_TRUE(Run(*net, kCmdline).changes.empty());
  EXPECT_TRUE(Run(*dns, kCmdline).changes.empty());
  EXPECT_EQ(plan, "");
  EXPECT_TRUE(files.listed.empty());
}

// A distribution file that cannot be written fails the step naming it; the other
// files are still written.
TEST_F(NetStepsTest, OneFileThatCannotBeWrittenDoesNotKeepTheOthersBack) {
  files.fail_write = "/etc/sysconfig/network-scripts/ifcfg-eth0";
  auto net = MakeNetStep();
  StepOutcome outcome = Run(*net, kCmdline);
  ASSERT_FALSE(outcome.status.ok());
  EXPECT_NE(outcome.status.message().find("ifcfg-eth0: Read-only file system"), std::string::npos)
      << outcome.status.message();
  EXPECT_TRUE(files.files.count("/etc/sysconfig/network-scripts/route-eth0"));
  EXPECT_TRUE(files.files.count("/etc/network/interfaces.d/uml-agent-eth0"));
  EXPECT_TRUE(files.files.count("/etc/systemd/network/10-uml-agent-eth0.network"));
}

// Routes that are no longer asked for do not stay in the Red Hat route file (its next
// ifup would add them again); without routes and without such a file, none is made.
TEST_F(NetStepsTest, RoutesNoLongerAskedForLeaveTheRouteFile) {
  auto net = MakeNetStep();
  ASSERT_TRUE(Run(*net, kCmdline).status.ok());
  const std::string route_file = "/etc/sysconfig/network-scripts/route-eth0";
  ASSERT_NE(files.files[route_file].find("203.0.113.0/24"), std::string::npos);
  const char* without_routes = "uml_agent.net.address=192.0.2.2/24 uml_agent.net.gateway=192.0.2.1";
  ASSERT_TRUE(Run(*net, without_routes).status.ok());
  EXPECT_EQ(files.files[route_file].find("203.0.113.0/24"), std::string::npos) << files.files[route_file];
  files.files.erase(route_file);
  ASSERT_TRUE(Run(*net, without_routes).status.ok());
  EXPECT_FALSE(files.files.count(route_file));
}

TEST_F(NetStepsTest, DryRunPrintsThePlanAndChangesNothing) {
  auto net = MakeNetStep();
  files.dirs = {"/etc"};  // no distribution network layout
  files.files.clear();
  StepOutcome outcome = Run(*net, kCmdline, true);
  EXPECT_TRUE(outcome.status.ok());
  EXPECT_TRUE(outcome.changes.empty());
  EXPECT_TRUE(network.calls.empty());
  EXPECT_EQ(plan,
            "+ link eth0 up\n+ address 192.0.2.2/24 brd 192.0.2.255 dev eth0\n"
            "+ route 203.0.113.0/24 via 192.0.2.9 dev eth0\n"
            "+ route default via 192.0.2.254 dev eth0\n");
}

// Routes that repeat the subnet route, net.gateway or each other are left out before
// anything is planned: each reaches the kernel and the distribution's files once.
TEST_F(NetStepsTest, RedundantRoutesReachNeitherKernelNorFilesTwice) {
  auto net = MakeNetStep();
  std::string cmdline = std::string(kCmdline) +
                        " uml_agent.net.routes=203.0.113.0/24@192.0.2.9,192.0.2.0/24,"
                        "0.0.0.0/0@192.0.2.254,203.0.113.0/24@192.0.2.9";
  StepOutcome outcome = Run(*net, cmdline);
  ASSERT_TRUE(outcome.status.ok()) << outcome.status.message();
  EXPECT_EQ(outcome.changes.size(), 9u);  // as without the repeats
  umla::testing::ExpectGolden("net/route-eth0", files.files["/etc/sysconfig/network-scripts/route-eth0"]);
  umla::testing::ExpectGolden("net/uml-agent-eth0", files.files["/etc/network/interfaces.d/uml-agent-eth0"]);
}

// A /32 (point to point): the on-link route to the peer goes first, in the kernel and in
// the files, whatever the order in net.routes, so the default route via it is taken.
TEST_F(NetStepsTest, PointToPointSlash32ReachesItsGatewayFirst) {
  auto net = MakeNetStep();
  const char* cmdline =
      "uml_agent.net.address=203.0.113.5/32 uml_agent.net.routes=0.0.0.0/0@192.0.2.1,192.0.2.1/32";
  StepOutcome outcome = Run(*net, cmdline, true);
  ASSERT_TRUE(outcome.status.ok()) << outcome.status.message();
  EXPECT_EQ(plan.substr(0, plan.find("+ write")),
            "+ link eth0 up\n+ address 203.0.113.5/32 dev eth0\n+ route 192.0.2.1/32 dev eth0\n"
            "+ route default via 192.0.2.1 dev eth0\n");
  ASSERT_TRUE(Run(*net, cmdline).status.ok());
  plan.clear();  // a second run: nothing left to do on the interface
  ASSERT_TRUE(Run(*net, cmdline, true).status.ok());
  EXPECT_EQ(plan, "");
  const std::string& stanza = files.files["/etc/network/interfaces.d/uml-agent-eth0"];
  EXPECT_NE(stanza.find("    up ip route replace 192.0.2.1/32 dev eth0\n"
                        "    up ip route replace 0.0.0.0/0 via 192.0.2.1 dev eth0\n"),
            std::string::npos)
      << stanza;
}

TEST_F(NetStepsTest, SkippedWithoutConfigAndFailsOnBadAddressNamingTheKey) {
  auto net = MakeNetStep();
  StepOutcome outcome = Run(*net, "root=/dev/ubda");
  EXPECT_TRUE(outcome.skipped);
  EXPECT_NE(outcome.skip_reason.find("uml_agent.net."), std::string::npos);
  outcome = Run(*net, "uml_agent.net.address=192.0.2.300/24");
  EXPECT_FALSE(outcome.status.ok());
  EXPECT_NE(outcome.status.message().find("net.address=\"192.0.2.300/24\""), std::string::npos);
  EXPECT_TRUE(network.calls.empty());
  EXPECT_TRUE(files.writes.empty());
  // The dns step still does its work with the same (bad) net settings around.
  auto dns = MakeDnsStep();
  outcome = Run(*dns, "uml_agent.net.address=192.0.2.300/24 uml_agent.dns.nameservers=198.51.100.53");
  EXPECT_TRUE(outcome.status.ok());
  EXPECT_EQ(files.writes, std::vector<std::string>{"/etc/resolv.conf"});
}

TEST_F(NetStepsTest, MissingInterfaceAndKernelRefusalAreReported) {
  auto net = MakeNetStep();
  StepOutcome outcome = Run(*net, "uml_agent.net.address=192.0.2.2/24 uml_agent.net.iface=vec0");
  EXPECT_EQ(outcome.status.message().rfind("no network interface vec0", 0), 0u);
  network.fail_on = "AddAddress";
  outcome = Run(*net, kCmdline);
  EXPECT_EQ(outcome.status.message(), "AddAddress eth0: Network is unreachable");
  // Every change is tried, as the kernel does with a batch: those before and after the
  // failed one are made and reported.
  EXPECT_NE(std::find(outcome.changes.begin(), outcome.changes.end(), "+ link eth0 up"),
            outcome.changes.end());
  EXPECT_NE(std::find(outcome.changes.begin(), outcome.changes.end(),
                      "+ route default via 192.0.2.254 dev eth0"),
            outcome.changes.end());
  EXPECT_EQ(std::count_if(outcome.changes.begin(), outcome.changes.end(),
                          [](const std::string& c) { return c.rfind("+ address", 0) == 0; }),
            0);
  // Several failures are each named, joined.
  network.interfaces["eth0"] = {true, false, 1500, {}, {}};
  network.fail_on = "ReplaceRoute";
  outcome = Run(*net, kCmdline);
  EXPECT_EQ(outcome.status.message(),
            "ReplaceRoute eth0: Network is unreachable; ReplaceRoute eth0: Network is unreachable");
  // Outcomes that do not match the changes are reported, not trusted.
  network.interfaces["eth0"] = {true, false, 1500, {}, {}};
  network.fail_on.clear();
  network.drop_last_status = true;
  outcome = Run(*net, kCmdline);
  EXPECT_EQ(outcome.status.message(), "interface eth0: the outcome of its changes is unknown");
  // The files are written all the same, so the distribution agrees at the next boot.
  EXPECT_TRUE(files.files.count("/etc/network/interfaces.d/uml-agent-eth0"));
}

// ifupdown's source-directory, like run-parts, reads only names of letters, digits,
// '_' and '-': a VLAN interface's part file must have such a name.
TEST_F(NetStepsTest, AVlanInterfaceGetsAPartFileThatIfupdownReads) {
  const std::regex run_parts_name("[A-Za-z0-9_-]+");
  EXPECT_EQ(IfupdownPartName("eth0"), "uml-agent-eth0");
  EXPECT_EQ(IfupdownPartName("eth0.100"), "uml-agent-eth0_100");
  for (const char* iface : {"eth0.100", "vec0", "br-lan.2.3", "e_1"}) {
    EXPECT_TRUE(std::regex_match(IfupdownPartName(iface), run_parts_name)) << iface;
  }
  network.interfaces["eth0.100"] = {true, false, 1500, {}, {}};
  auto net = MakeNetStep();
  StepOutcome outcome = Run(*net, std::string(kCmdline) + " uml_agent.net.iface=eth0.100");
  ASSERT_TRUE(outcome.status.ok()) << outcome.status.message();
  const std::string part = files.files["/etc/network/interfaces.d/uml-agent-eth0_100"];
  EXPECT_NE(part.find("auto eth0.100\niface eth0.100 inet static\n"), std::string::npos) << part;
  EXPECT_TRUE(files.files.count("/etc/sysconfig/network-scripts/ifcfg-eth0.100"));
}

TEST_F(NetStepsTest, ResolverDaemonSymlinkIsLeftAlone) {
  auto dns = MakeDnsStep();
  files.symlinks["/etc/resolv.conf"] = "../run/systemd/resolve/stub-resolv.conf";
  StepOutcome outcome = Run(*dns, kCmdline);
  EXPECT_TRUE(outcome.skipped);
  EXPECT_EQ(outcome.skip_reason,
            "/etc/resolv.conf is a symlink to ../run/systemd/resolve/stub-resolv.conf, managed by "
            "a resolver daemon: left alone");
  EXPECT_TRUE(files.writes.empty());
  // A symlink elsewhere is replaced by the agent's file.
  files.symlinks["/etc/resolv.conf"] = "/etc/resolv.conf.static";
  outcome = Run(*dns, kCmdline);
  EXPECT_FALSE(outcome.skipped);
  EXPECT_EQ(files.writes, std::vector<std::string>{"/etc/resolv.conf"});
}

TEST(ResolverManagedTarget, ResolvesRelativeTargets) {
  EXPECT_TRUE(IsResolverManagedTarget("/etc/resolv.conf", "/run/resolvconf/resolv.conf"));
  EXPECT_TRUE(IsResolverManagedTarget("/etc/resolv.conf", "../var/run/NetworkManager/resolv.conf"));
  EXPECT_FALSE(IsResolverManagedTarget("/etc/resolv.conf", "resolv.conf.d/x"));
  EXPECT_FALSE(IsResolverManagedTarget("/etc/resolv.conf", "/run/systemd/resolved-not"));
}

TEST(IfupdownInterfaces, MinimalFileWhenMissingAndIdempotent) {
  std::string first = AdaptIfupdownInterfaces("", "eth0");
  EXPECT_EQ(first,
            "auto lo\niface lo inet loopback\n\n# Added by uml-agent: read the interface files in "
            "interfaces.d\nsource /etc/network/interfaces.d/*\n");
  EXPECT_EQ(AdaptIfupdownInterfaces(first, "eth0"), first);
  std::string adapted = AdaptIfupdownInterfaces(umla::testing::ReadGolden("net/interfaces.in"), "eth0");
  EXPECT_EQ(AdaptIfupdownInterfaces(adapted, "eth0"), adapted);
}

}  // namespace
}  // namespace umla::agent

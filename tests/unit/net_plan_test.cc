#include "agent/steps/net/net_plan.h"

#include <gtest/gtest.h>

#include "tests/unit/net_fakes.h"

namespace umla::agent {
namespace {

GuestNetConfig Wanted() {
  GuestNetConfig config;
  config.address = *ParseIpv4Prefix("192.0.2.2/24");
  config.broadcast = BroadcastOf(config.address);
  config.mtu = 1400;
  config.gateway = *ParseIpv4("192.0.2.254");
  config.routes = {*ParseNetRoute("203.0.113.0/24 via 192.0.2.9"), *ParseNetRoute("198.51.100.0/24")};
  return config;
}

std::vector<std::string> Lines(const std::vector<NetAction>& plan) {
  std::vector<std::string> lines;
  for (const auto& action : plan) lines.push_back(DescribeNetAction(action, "eth0"));
  return lines;
}

void Apply(const std::vector<NetAction>& plan, FakeNetworkControl& network) {
  for (const Status& status : network.Apply("eth0", plan)) ASSERT_TRUE(status.ok()) << status.message();
}

TEST(NetPlan, FreshInterfaceInOrderThenNothing) {
  FakeNetworkControl network;
  network.interfaces["eth0"] = {true, false, 1500, {}, {}};
  auto plan = PlanInterface(Wanted(), *network.Read("eth0"));
  EXPECT_EQ(Lines(plan), (std::vector<std::string>{
                             "+ link eth0 up",
                             "+ link eth0 mtu 1400",
                             "+ address 192.0.2.2/24 brd 192.0.2.255 dev eth0",
                             "+ route 198.51.100.0/24 dev eth0",
                             "+ route 203.0.113.0/24 via 192.0.2.9 dev eth0",
                             "+ route default via 192.0.2.254 dev eth0",
                         }));
  Apply(plan, network);
  EXPECT_TRUE(PlanInterface(Wanted(), *network.Read("eth0")).empty());
}

TEST(NetPlan, ReplacesRatherThanDuplicates) {
  FakeNetworkControl network;
  InterfaceSnapshot old{true, true, 1400, {}, {}};
  old.addresses = {{*ParseIpv4Prefix("10.0.0.5/8"), *ParseIpv4("10.255.255.255")}};
  old.routes = {{*ParseNetRoute("10.0.0.0/8"), true},
                {*ParseNetRoute("0.0.0.0/0 via 10.0.0.1"), false},
                {*ParseNetRoute("172.16.0.0/12 via 10.0.0.2"), false}};
  network.interfaces["eth0"] = old;
  auto plan = PlanInterface(Wanted(), old);
  EXPECT_EQ(Lines(plan), (std::vector<std::string>{
                             "- route 172.16.0.0/12 via 10.0.0.2 dev eth0",
                             "- address 10.0.0.5/8 dev eth0",
                             "+ address 192.0.2.2/24 brd 192.0.2.255 dev eth0",
                             "+ route 198.51.100.0/24 dev eth0",
                             "+ route 203.0.113.0/24 via 192.0.2.9 dev eth0",
                             "+ route default via 192.0.2.254 dev eth0",
                         }));
  Apply(plan, network);
  InterfaceSnapshot now = *network.Read("eth0");
  EXPECT_EQ(now.addresses.size(), 1u);
  EXPECT_EQ(now.routes.size(), 4u);  // subnet, two extra, one default
  EXPECT_TRUE(PlanInterface(Wanted(), now).empty());
}

TEST(NetPlan, WrongBroadcastIsReplacedAndRoutesRestored) {
  InterfaceSnapshot now{true, true, 1400, {}, {}};
  now.addresses = {{*ParseIpv4Prefix("192.0.2.2/24"), 0}};
  now.routes = {{*ParseNetRoute("192.0.2.0/24"), true}};
  GuestNetConfig wanted = Wanted();
  wanted.routes.clear();
  auto lines = Lines(PlanInterface(wanted, now));
  EXPECT_EQ(lines, (std::vector<std::string>{
                       "- address 192.0.2.2/24 dev eth0",
                       "+ address 192.0.2.2/24 brd 192.0.2.255 dev eth0",
                       "+ route default via 192.0.2.254 dev eth0",
                   }));
}

}  // namespace
}  // namespace umla::agent

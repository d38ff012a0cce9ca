// netlink::Socket against the real kernel, in a network namespace of its own (root
// only): links asked for by name, batches of changes, questions asked together.
#include <linux/rtnetlink.h>
#include <sched.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <memory>
#include <thread>

#include "common/netlink.h"
#include "common/netlink_message.h"

namespace umla::netlink {
namespace {

// A socket in a fresh network namespace (only "lo", down). The namespace is the
// helper thread's alone (a namespace belongs to a task), and lives on with the socket.
std::unique_ptr<Socket> SocketInNewNamespace(Status* status) {
  std::unique_ptr<Socket> socket;
  std::thread([&] {
    if (::unshare(CLONE_NEWNET) != 0) {
      *status = Status::FromErrno("unshare(CLONE_NEWNET)", errno);
      return;
    }
    socket = std::make_unique<Socket>();
    *status = socket->Open();
  }).join();
  return socket;
}

// A request for every IPv4 address (a dump), as a Query's request.
std::string AddressesDump() {
  Request request(RTM_GETADDR, NLM_F_DUMP);
  ifaddrmsg payload{};
  payload.ifa_family = AF_INET;
  request.Payload(payload);
  return request.Finish(0);
}

class NetlinkSocketTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root for a network namespace";
    Status opened;
    socket = SocketInNewNamespace(&opened);
    ASSERT_TRUE(opened.ok()) << opened.message();
  }
  std::unique_ptr<Socket> socket;
};

TEST_F(NetlinkSocketTest, LinkAskedForByName) {
  auto lo = socket->LinkNamed("lo");
  ASSERT_TRUE(lo.ok()) << lo.status().message();
  ASSERT_TRUE(lo->has_value());
  EXPECT_EQ((*lo)->name, "lo");
  EXPECT_FALSE((*lo)->up);
  auto none = socket->LinkNamed("umla-none0");
  ASSERT_TRUE(none.ok()) << none.status().message();
  EXPECT_FALSE(none->has_value());
}

TEST_F(NetlinkSocketTest, BatchAnswersEachChangeAndGoesOnPastAFailure) {
  LinkInfo lo = **socket->LinkNamed("lo");
  Ipv4Prefix address = *ParseIpv4Prefix("192.0.2.2/24");
  NetRoute unreachable = *ParseNetRoute("203.0.113.0/24 via 198.51.100.1");
  NetRoute on_link = *ParseNetRoute("198.51.100.0/24");
  std::vector<Socket::Change> changes;
  changes.push_back(socket->EncodeSetLink(lo, true, 0, std::nullopt));
  changes.push_back(socket->EncodeAddRoute(lo, unreachable, true));  // no route to its gateway
  changes.push_back(socket->EncodeAddAddress(lo, address, 0));
  changes.push_back(socket->EncodeAddRoute(lo, on_link, true));
  std::vector<Status> statuses = socket->Batch(std::move(changes));
  ASSERT_EQ(statuses.size(), 4u);
  EXPECT_TRUE(statuses[0].ok()) << statuses[0].message();
  ASSERT_FALSE(statuses[1].ok());
  EXPECT_EQ(statuses[1].message().rfind("add route 203.0.113.0/24 via 198.51.100.1 dev lo: ", 0), 0u)
      << statuses[1].message();
  EXPECT_TRUE(statuses[2].ok()) << statuses[2].message();
  EXPECT_TRUE(statuses[3].ok()) << statuses[3].message();

  EXPECT_TRUE((**socket->LinkNamed("lo")).up);
  auto addresses = socket->Addresses();
  ASSERT_TRUE(addresses.ok());
  bool found = false;
  for (const auto& a : *addresses) found = found || (a.index == lo.index && a.prefix == address);
  EXPECT_TRUE(found);
  auto routes = socket->Routes();
  ASSERT_TRUE(routes.ok());
  bool routed = false;
  for (const auto& r : *routes) routed = routed || r.route.destination == on_link.destination;
  EXPECT_TRUE(routed);
  // An empty batch asks nothing; a second batch numbers its answers on from the first.
  EXPECT_TRUE(socket->Batch({}).empty());
  std::vector<Socket::Change> again;
  again.push_back(socket->EncodeDeleteAddress(lo, address));
  again.push_back(socket->EncodeDeleteAddress(lo, address));  // gone by then
  statuses = socket->Batch(std::move(again));
  ASSERT_EQ(statuses.size(), 2u);
  EXPECT_TRUE(statuses[0].ok()) << statuses[0].message();
  EXPECT_FALSE(statuses[1].ok());
}

// What LinuxNetworkControl::Read relies on to skip the route dump of a link that is
// down: the kernel deletes the routes through a link that goes down and refuses new
// ones through it.
TEST_F(NetlinkSocketTest, ALinkThatIsDownHasNoRoutesThroughIt) {
  LinkInfo lo = **socket->LinkNamed("lo");
  NetRoute on_link = *ParseNetRoute("198.51.100.0/24");
  std::vector<Socket::Change> up;
  up.push_back(socket->EncodeSetLink(lo, true, 0, std::nullopt));
  up.push_back(socket->EncodeAddAddress(lo, *ParseIpv4Prefix("192.0.2.2/24"), 0));
  up.push_back(socket->EncodeAddRoute(lo, on_link, true));
  for (const Status& status : socket->Batch(std::move(up))) ASSERT_TRUE(status.ok()) << status.message();
  auto through_lo = [&] {
    int count = 0;
    Result<std::vector<RouteInfo>> routes = socket->Routes();
    if (!routes.ok()) return -1;
    for (const RouteInfo& r : *routes) count += r.oif == lo.index && r.table == RT_TABLE_MAIN;
    return count;
  };
  ASSERT_GE(through_lo(), 1);  // the one added
  ASSERT_TRUE(socket->SetLink(lo, false, 0, std::nullopt).ok());
  EXPECT_EQ(through_lo(), 0);
  EXPECT_FALSE(socket->AddRoute(lo, on_link, true).ok());
  EXPECT_EQ(through_lo(), 0);
}

// One exchange for a link and its addresses: only that link's, also when the address
// dump takes many parts (1,000 addresses: several 32 KiB datagrams).
TEST_F(NetlinkSocketTest, ALinkWithItsAddressesInOneExchange) {
  LinkInfo lo = **socket->LinkNamed("lo");
  ASSERT_TRUE(socket->CreateBridge("umla-br0").ok());
  LinkInfo bridge = **socket->LinkNamed("umla-br0");
  ASSERT_TRUE(socket->AddAddress(bridge, *ParseIpv4Prefix("203.0.113.1/24"), 0).ok());
  std::vector<Socket::Change> changes;
  for (int i = 0; i < 1000; ++i) {
    Ipv4Prefix address = *ParseIpv4Prefix("198.51." + std::to_string(i / 250) + "." +
                                          std::to_string(1 + i % 250) + "/32");
    changes.push_back(socket->EncodeAddAddress(lo, address, 0));
  }
  for (const Status& status : socket->Batch(std::move(changes))) ASSERT_TRUE(status.ok()) << status.message();

  auto on_lo = socket->LinkNamedWithAddresses("lo");
  ASSERT_TRUE(on_lo.ok()) << on_lo.status().message();
  ASSERT_TRUE(on_lo->link.has_value());
  EXPECT_EQ(on_lo->link->name, "lo");
  EXPECT_EQ(on_lo->addresses.size(), 1000u);
  auto on_bridge = socket->LinkNamedWithAddresses("umla-br0");
  ASSERT_TRUE(on_bridge.ok()) << on_bridge.status().message();
  ASSERT_EQ(on_bridge->addresses.size(), 1u);
  EXPECT_EQ(FormatIpv4Prefix(on_bridge->addresses[0].prefix), "203.0.113.1/24");
  auto none = socket->LinkNamedWithAddresses("umla-none0");
  ASSERT_TRUE(none.ok()) << none.status().message();
  EXPECT_FALSE(none->link.has_value());
  EXPECT_TRUE(none->addresses.empty());
  // The socket is left in step: a later question gets its own answer.
  auto addresses = socket->Addresses();
  ASSERT_TRUE(addresses.ok()) << addresses.status().message();
  EXPECT_EQ(addresses->size(), 1001u);
}

// Questions asked together each get their own answer: one that fails does not stop
// the others, and two dumps (the kernel runs one at a time) both finish.
TEST_F(NetlinkSocketTest, AskAnswersEachQuestionAlsoTwoDumps) {
  LinkInfo lo = **socket->LinkNamed("lo");
  std::vector<Socket::Change> addresses;
  for (int i = 0; i < 600; ++i) {
    addresses.push_back(socket->EncodeAddAddress(
        lo, *ParseIpv4Prefix("192.0.2." + std::to_string(1 + i % 250) + "/" + std::to_string(32 - i / 250)), 0));
  }
  for (const Status& status : socket->Batch(std::move(addresses))) ASSERT_TRUE(status.ok()) << status.message();
  auto by_name = [](const std::string& name) {
    Request request(RTM_GETLINK, 0);
    request.Payload(ifinfomsg{});
    request.String(IFLA_IFNAME, name);
    return request.Finish(0);
  };
  std::vector<Socket::Query> queries;
  queries.push_back({AddressesDump(), "list addresses"});
  queries.push_back({by_name("umla-none0"), "look up umla-none0"});
  queries.push_back({by_name("lo"), "look up lo"});
  queries.push_back({AddressesDump(), "list addresses again"});
  auto answers = socket->Ask(std::move(queries));
  ASSERT_EQ(answers.size(), 4u);
  ASSERT_TRUE(answers[0].ok()) << answers[0].status().message();
  EXPECT_EQ(answers[0]->size(), 600u);
  ASSERT_FALSE(answers[1].ok());
  EXPECT_EQ(answers[1].status().message().rfind("look up umla-none0: ", 0), 0u) << answers[1].status().message();
  ASSERT_TRUE(answers[2].ok()) << answers[2].status().message();
  EXPECT_EQ(answers[2]->size(), 1u);
  ASSERT_TRUE(answers[3].ok()) << answers[3].status().message();
  EXPECT_EQ(answers[3]->size(), 600u);
}

// In the order given: a dump asked before a change does not see it, one after does.
TEST_F(NetlinkSocketTest, AskKeepsTheOrderOfDumpsAndChanges) {
  LinkInfo lo = **socket->LinkNamed("lo");
  std::vector<Socket::Query> queries;
  queries.push_back({AddressesDump(), "list addresses before"});
  queries.push_back(socket->EncodeAddAddress(lo, *ParseIpv4Prefix("192.0.2.2/24"), 0));
  queries.push_back({AddressesDump(), "list addresses after"});
  auto answers = socket->Ask(std::move(queries));
  ASSERT_EQ(answers.size(), 3u);
  for (const auto& answer : answers) ASSERT_TRUE(answer.ok()) << answer.status().message();
  EXPECT_EQ(answers[0]->size(), 0u);
  EXPECT_TRUE(answers[1]->empty());  // an ack carries no message
  EXPECT_EQ(answers[2]->size(), 1u);
}

TEST_F(NetlinkSocketTest, LargeBatchIsSentInParts) {
  LinkInfo lo = **socket->LinkNamed("lo");
  std::vector<Socket::Change> changes;
  for (int i = 0; i < 40; ++i) changes.push_back(socket->EncodeSetLink(lo, i % 2 == 0, 0, std::nullopt));
  std::vector<Status> statuses = socket->Batch(std::move(changes));
  ASSERT_EQ(statuses.size(), 40u);
  for (const Status& status : statuses) EXPECT_TRUE(status.ok()) << status.message();
  EXPECT_FALSE((**socket->LinkNamed("lo")).up);  // the last one set it down
}

}  // namespace
}  // namespace umla::netlink

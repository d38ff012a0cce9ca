#include "common/netlink_message.h"

#include <gtest/gtest.h>

namespace umla::netlink {
namespace {

TEST(NetlinkMessage, RequestRoundTripsThroughTheAttributeParser) {
  Request request(RTM_NEWLINK, NLM_F_ACK | NLM_F_CREATE);
  ifinfomsg payload{};
  payload.ifi_index = 7;
  request.Payload(payload);
  request.String(IFLA_IFNAME, "br0");
  request.U32(IFLA_MTU, 1400);
  size_t nested = request.Begin(IFLA_LINKINFO);
  request.String(IFLA_INFO_KIND, "bridge");
  request.End(nested);
  std::string message = request.Finish(42);

  auto header = reinterpret_cast<const nlmsghdr*>(message.data());
  EXPECT_EQ(header->nlmsg_len, message.size());
  EXPECT_EQ(header->nlmsg_seq, 42u);
  EXPECT_EQ(header->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE);
  EXPECT_EQ(Fixed<ifinfomsg>(message).ifi_index, 7);
  auto attrs = Attributes(message, sizeof(ifinfomsg));
  EXPECT_EQ(StringOf(attrs, IFLA_IFNAME), "br0");
  EXPECT_EQ(U32Of(attrs, IFLA_MTU), 1400u);
  std::string inner(NLMSG_HDRLEN, '\0');
  inner.append(attrs.at(IFLA_LINKINFO));
  EXPECT_EQ(StringOf(Attributes(inner, 0), IFLA_INFO_KIND), "bridge");
}

TEST(NetlinkMessage, TruncatedAttributeStopsTheWalk) {
  Request request(RTM_NEWADDR, 0);
  request.Payload(ifaddrmsg{});
  request.Address(IFA_LOCAL, 0xC0000202u);
  request.Address(IFA_BROADCAST, 0xC00002FFu);
  std::string message = request.Finish(1);
  EXPECT_EQ(AddressOf(Attributes(message, sizeof(ifaddrmsg)), IFA_LOCAL), 0xC0000202u);
  std::string cut = message.substr(0, message.size() - 2);  // the last attribute runs past the end
  auto attrs = Attributes(cut, sizeof(ifaddrmsg));
  EXPECT_EQ(attrs.count(IFA_LOCAL), 1u);
  EXPECT_EQ(attrs.count(IFA_BROADCAST), 0u);
  EXPECT_EQ(U32Of(attrs, IFA_BROADCAST), 0u);
  EXPECT_TRUE(Attributes("", sizeof(ifaddrmsg)).empty());
}

}  // namespace
}  // namespace umla::netlink

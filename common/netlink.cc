#include "common/netlink.h"

#include <arpa/inet.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <string_view>

#include "common/netlink_message.h"

namespace umla::netlink {

static_assert(RouteOrigin{}.protocol == RTPROT_STATIC, "the header spells RTPROT_STATIC as 4");

namespace {

LinkInfo ParseLink(std::string_view message) {
  auto info = Fixed<ifinfomsg>(message);
  auto attrs = Attributes(message, sizeof(ifinfomsg));
  LinkInfo link;
  link.index = info.ifi_index;
  link.up = (info.ifi_flags & IFF_UP) != 0;
  link.name = StringOf(attrs, IFLA_IFNAME);
  link.mtu = U32Of(attrs, IFLA_MTU);
  link.master = static_cast<int>(U32Of(attrs, IFLA_MASTER));
  auto linkinfo = attrs.find(IFLA_LINKINFO);
  if (linkinfo != attrs.end()) {
    // Nested attributes start right away (no fixed payload): parse as a fake message.
    std::string fake(NLMSG_HDRLEN, '\0');
    fake.append(linkinfo->second);
    link.kind = StringOf(Attributes(fake, 0), IFLA_INFO_KIND);
  }
  return link;
}

}  // namespace

Socket::~Socket() {
  if (fd_ >= 0) ::close(fd_);
}

Status Socket::Open() {
  fd_ = ::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (fd_ < 0) return Status::FromErrno("netlink socket", errno);
  // No bind: the kernel binds the socket to a free port id at its first send, and an
  // explicit bind is one more syscall (~0.1 ms inside UML).
  return Status::Ok();
}

// Sends `request` and reads replies until DONE (dump) or the ACK/error (change).
Result<std::vector<std::string>> Socket::Dump(const std::string& request, const std::string& what) {
  if (fd_ < 0) return Status::Error(what + ": netlink socket not open");
  if (::send(fd_, request.data(), request.size(), 0) < 0) return Status::FromErrno(what, errno);
  uint32_t seq = reinterpret_cast<const nlmsghdr*>(request.data())->nlmsg_seq;
  std::vector<std::string> messages;
  // Dumps come in parts of at most 32 KiB (the kernel's cap); twice that is room.
  constexpr size_t kBufferSize = 1 << 16;
  if (!buffer_) buffer_.reset(new char[kBufferSize]);
  char* buffer = buffer_.get();
  while (true) {
    ssize_t n = ::recv(fd_, buffer, kBufferSize, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::FromErrno(what, errno);
    }
    size_t left = static_cast<size_t>(n);
    for (auto* header = reinterpret_cast<nlmsghdr*>(buffer); NLMSG_OK(header, left);
         header = NLMSG_NEXT(header, left)) {
      if (header->nlmsg_seq != seq) continue;
      if (header->nlmsg_type == NLMSG_DONE) return messages;
      if (header->nlmsg_type == NLMSG_ERROR) {
        const auto* error = static_cast<const nlmsgerr*>(NLMSG_DATA(header));
        if (error->error == 0) return messages;  // the ACK of a change
        return Status::FromErrno(what, -error->error);
      }
      messages.emplace_back(reinterpret_cast<const char*>(header), header->nlmsg_len);
    }
  }
}

Status Socket::Transact(const std::string& request, const std::string& what) {
  Result<std::vector<std::string>> replies = Dump(request, what);
  return replies.ok() ? Status::Ok() : replies.status();
}

Result<std::vector<LinkInfo>> Socket::Links() {
  Request request(RTM_GETLINK, NLM_F_DUMP);
  request.Payload(ifinfomsg{});
  auto messages = Dump(request.Finish(seq_++), "list network interfaces");
  if (!messages.ok()) return messages.status();
  std::vector<LinkInfo> links;
  for (const auto& message : *messages) links.push_back(ParseLink(message));
  return links;
}

Result<std::vector<AddressInfo>> Socket::Addresses() {
  Request request(RTM_GETADDR, NLM_F_DUMP);
  ifaddrmsg payload{};
  payload.ifa_family = AF_INET;
  request.Payload(payload);
  auto messages = Dump(request.Finish(seq_++), "list IPv4 addresses");
  if (!messages.ok()) return messages.status();
  std::vector<AddressInfo> addresses;
  for (const auto& message : *messages) {
    auto info = Fixed<ifaddrmsg>(message);
    if (info.ifa_family != AF_INET) continue;
    auto attrs = Attributes(message, sizeof(ifaddrmsg));
    AddressInfo address;
    address.index = static_cast<int>(info.ifa_index);
    address.prefix = {AddressOf(attrs, attrs.count(IFA_LOCAL) ? IFA_LOCAL : IFA_ADDRESS),
                      info.ifa_prefixlen};
    address.broadcast = AddressOf(attrs, IFA_BROADCAST);
    addresses.push_back(address);
  }
  return addresses;
}

Result<std::vector<RouteInfo>> Socket::Routes() {
  Request request(RTM_GETROUTE, NLM_F_DUMP);
  rtmsg payload{};
  payload.rtm_family = AF_INET;
  request.Payload(payload);
  auto messages = Dump(request.Finish(seq_++), "list IPv4 routes");
  if (!messages.ok()) return messages.status();
  std::vector<RouteInfo> routes;
  for (const auto& message : *messages) {
    auto info = Fixed<rtmsg>(message);
    if (info.rtm_family != AF_INET) continue;
    auto attrs = Attributes(message, sizeof(rtmsg));
    RouteInfo route;
    route.table = attrs.count(RTA_TABLE) ? U32Of(attrs, RTA_TABLE) : info.rtm_table;
    route.route.destination = {AddressOf(attrs, RTA_DST), info.rtm_dst_len};
    if (attrs.count(RTA_GATEWAY)) route.route.gateway = AddressOf(attrs, RTA_GATEWAY);
    route.oif = static_cast<int>(U32Of(attrs, RTA_OIF));
    route.protocol = info.rtm_protocol;
    route.type = info.rtm_type;
    route.metric = U32Of(attrs, RTA_PRIORITY);
    routes.push_back(route);
  }
  return routes;
}

Status Socket::SetLink(const LinkInfo& link, std::optional<bool> up, uint32_t mtu,
                       std::optional<int> master) {
  Request request(RTM_NEWLINK, NLM_F_ACK);
  ifinfomsg payload{};
  payload.ifi_family = AF_UNSPEC;
  payload.ifi_index = link.index;
  if (up) {
    payload.ifi_change = IFF_UP;
    payload.ifi_flags = *up ? IFF_UP : 0;
  }
  request.Payload(payload);
  if (mtu) request.U32(IFLA_MTU, mtu);
  if (master) request.U32(IFLA_MASTER, static_cast<uint32_t>(*master));
  std::string what = "set link " + link.name;
  if (up) what += *up ? " up" : " down";
  if (mtu) what += " mtu " + std::to_string(mtu);
  if (master) what += *master ? " master " + std::to_string(*master) : " nomaster";
  return Transact(request.Finish(seq_++), what);
}

namespace {

std::string AddressRequest(uint16_t type, uint16_t flags, const LinkInfo& link,
                           const Ipv4Prefix& prefix, Ipv4 broadcast, uint32_t seq) {
  Request request(type, static_cast<uint16_t>(NLM_F_ACK | flags));
  ifaddrmsg payload{};
  payload.ifa_family = AF_INET;
  payload.ifa_prefixlen = static_cast<unsigned char>(prefix.length);
  payload.ifa_index = static_cast<uint32_t>(link.index);
  request.Payload(payload);
  request.Address(IFA_LOCAL, prefix.address);
  request.Address(IFA_ADDRESS, prefix.address);
  if (broadcast) request.Address(IFA_BROADCAST, broadcast);
  return request.Finish(seq);
}

std::string RouteRequest(uint16_t type, uint16_t flags, const LinkInfo& link,
                         const NetRoute& route, uint32_t seq, const RouteOrigin& origin = {}) {
  Request request(type, static_cast<uint16_t>(NLM_F_ACK | flags));
  rtmsg payload{};
  payload.rtm_family = AF_INET;
  payload.rtm_dst_len = static_cast<unsigned char>(route.destination.length);
  payload.rtm_table = RT_TABLE_MAIN;
  payload.rtm_protocol = origin.protocol;
  payload.rtm_scope = route.gateway ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
  payload.rtm_type = RTN_UNICAST;
  if (type == RTM_DELROUTE) {
    payload.rtm_protocol = 0;  // any protocol
    payload.rtm_scope = RT_SCOPE_NOWHERE;
  }
  request.Payload(payload);
  if (route.destination.length) request.Address(RTA_DST, route.destination.address);
  if (route.gateway) request.Address(RTA_GATEWAY, *route.gateway);
  request.U32(RTA_OIF, static_cast<uint32_t>(link.index));
  if (origin.metric) request.U32(RTA_PRIORITY, origin.metric);
  return request.Finish(seq);
}

}  // namespace

Status Socket::AddAddress(const LinkInfo& link, const Ipv4Prefix& prefix, Ipv4 broadcast) {
  return Transact(AddressRequest(RTM_NEWADDR, NLM_F_CREATE | NLM_F_REPLACE, link, prefix,
                                 broadcast, seq_++),
                  "add address " + FormatIpv4Prefix(prefix) + " on " + link.name);
}

Status Socket::DeleteAddress(const LinkInfo& link, const Ipv4Prefix& prefix) {
  return Transact(AddressRequest(RTM_DELADDR, 0, link, prefix, 0, seq_++),
                  "delete address " + FormatIpv4Prefix(prefix) + " from " + link.name);
}

Status Socket::AddRoute(const LinkInfo& link, const NetRoute& route, bool replace,
                        const RouteOrigin& origin) {
  uint16_t flags = NLM_F_CREATE | (replace ? NLM_F_REPLACE : NLM_F_EXCL);
  std::string what = "add route " + DescribeNetRoute(route) + " dev " + link.name;
  if (origin.metric) what += " metric " + std::to_string(origin.metric);
  return Transact(RouteRequest(RTM_NEWROUTE, flags, link, route, seq_++, origin), what);
}

Status Socket::DeleteRoute(const LinkInfo& link, const NetRoute& route) {
  return Transact(RouteRequest(RTM_DELROUTE, 0, link, route, seq_++),
                  "delete route " + DescribeNetRoute(route) + " dev " + link.name);
}

Status Socket::CreateBridge(const std::string& name) {
  Request request(RTM_NEWLINK, NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
  request.Payload(ifinfomsg{});
  request.String(IFLA_IFNAME, name);
  size_t linkinfo = request.Begin(IFLA_LINKINFO);
  request.String(IFLA_INFO_KIND, "bridge");
  request.End(linkinfo);
  return Transact(request.Finish(seq_++), "create bridge " + name);
}

Status Socket::DeleteLink(const LinkInfo& link) {
  Request request(RTM_DELLINK, NLM_F_ACK);
  ifinfomsg payload{};
  payload.ifi_index = link.index;
  request.Payload(payload);
  return Transact(request.Finish(seq_++), "delete link " + link.name);
}

std::optional<LinkInfo> FindLink(const std::vector<LinkInfo>& links, const std::string& name) {
  for (const auto& link : links) {
    if (link.name == name) return link;
  }
  return std::nullopt;
}

}  // namespace umla::netlink

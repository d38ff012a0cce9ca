#include "common/netlink.h"

#include <arpa/inet.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
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

// The error number an answer (an NLMSG_ERROR message; 0 is the ACK) carries, of the
// `received` bytes of it there are; EBADMSG when too few to hold one.
int AnswerErrno(const nlmsghdr* header, size_t received) {
  if (received < NLMSG_LENGTH(sizeof(nlmsgerr))) return EBADMSG;
  return -static_cast<const nlmsgerr*>(NLMSG_DATA(header))->error;
}

// The error number a dump's DONE carries (0: it finished; a negative one from the
// kernel: it failed partway), of the `received` bytes of it; 0 when it carries none.
int DoneErrno(const nlmsghdr* header, size_t received) {
  if (received < NLMSG_LENGTH(sizeof(int))) return 0;
  return -*static_cast<const int*>(NLMSG_DATA(header));
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

char* Socket::Buffer() {
  if (!buffer_) buffer_.reset(new char[kBufferSize]);
  return buffer_.get();
}

namespace {

const nlmsghdr& Header(const std::string& request) {
  return *reinterpret_cast<const nlmsghdr*>(request.data());
}

// rtnetlink's message types come in fours: new, del, get, set.
bool IsGet(const std::string& request) { return (Header(request).nlmsg_type & 3) == 2; }

// As the kernel decides: a get with either of NLM_F_DUMP's bits.
bool IsDump(const std::string& request) {
  return IsGet(request) && (Header(request).nlmsg_flags & NLM_F_DUMP) != 0;
}

}  // namespace

std::vector<Result<std::vector<std::string>>> Socket::Ask(std::vector<Query> queries) {
  std::vector<Result<std::vector<std::string>>> results;
  results.reserve(queries.size());
  for (size_t i = 0; i < queries.size(); ++i) results.emplace_back(std::vector<std::string>());
  // In the order given, datagrams of up to kSlices queries, each ended by a dump (with
  // room for its part beside the others: at most kSlicesBesideADump of them).
  std::vector<size_t> datagram;
  for (size_t i = 0; i < queries.size(); ++i) {
    bool dump = IsDump(queries[i].request);
    if (datagram.size() == kSlices || (dump && datagram.size() > kSlicesBesideADump)) {
      AskInOneDatagram(queries, datagram, results);
      datagram.clear();
    }
    datagram.push_back(i);
    if (dump) {
      AskInOneDatagram(queries, datagram, results);
      datagram.clear();
    }
  }
  if (!datagram.empty()) AskInOneDatagram(queries, datagram, results);
  return results;
}

// The kernel handles a whole datagram within its send: each plain answer and ack is
// queued then, in order, and a dump (last) queues its first part; each later part
// when a read finds the dump running. So every read waits for at least one datagram
// and takes what is there (a batch's acks all at once); a datagram is one answer or
// one part of a dump. Each open query has a slice of the buffer for its next
// datagram: small ones first (an ack is ~100 bytes, a link's answer a few KiB), the
// last one the rest, at least a dump's part while one runs (it is the last query): the
// pages a boot's run touches stay few and together.
void Socket::AskInOneDatagram(const std::vector<Query>& queries, const std::vector<size_t>& order,
                              std::vector<Result<std::vector<std::string>>>& results) {
  std::vector<bool> finished(order.size(), false);
  bool sent = false;
  auto fail_open = [&](const std::string& why, int err) {
    for (size_t at = 0; at < order.size(); ++at) {
      if (finished[at]) continue;
      const Query& query = queries[order[at]];
      results[order[at]] = why.empty() ? Status::FromErrno(query.what, err)
                                       : Status::Error(query.what + ": " + why);
    }
    // Answers or a dump's parts may still come: a fresh socket has none of them.
    if (sent) {
      ::close(fd_);
      fd_ = -1;
      Status reopened = Open();  // failing, the next question fails naming itself
      (void)reopened;
    }
  };
  if (fd_ < 0) return fail_open("", EBADF);
  uint32_t first_seq = seq_;
  std::string datagram;
  bool gets = false;
  for (size_t index : order) {
    size_t at = datagram.size();
    datagram += queries[index].request;
    auto* header = reinterpret_cast<nlmsghdr*>(&datagram[at]);
    header->nlmsg_seq = seq_++;
    if (IsGet(queries[index].request)) {
      gets = true;
    } else {
      header->nlmsg_flags |= NLM_F_ACK;  // a change's only answer; without it, none
    }
  }
  if (::send(fd_, datagram.data(), datagram.size(), 0) < 0) return fail_open("", errno);
  sent = true;
  bool dump_open = IsDump(queries[order.back()].request);
  char* buffer = Buffer();
  size_t open = order.size();
  while (open > 0) {
    // Whole pages (aligned for the headers read there), 4 KiB for acks, 8 KiB where an
    // answer may be a link's; while a dump runs its slice keeps kDumpPart.
    size_t small = gets ? 8 << 10 : 4 << 10;
    if (open > 1) {
      size_t shared = dump_open ? kBufferSize - kDumpPart : kBufferSize;
      small = std::max<size_t>(4 << 10, std::min(small, shared / (open - (dump_open ? 1 : 0))) & ~size_t{4095});
    }
    iovec slices[kSlices];
    mmsghdr messages[kSlices];
    std::memset(messages, 0, sizeof messages);
    for (size_t i = 0; i < open; ++i) {
      size_t size = i + 1 < open ? small : kBufferSize - small * i;
      slices[i] = {buffer + small * i, size};
      messages[i].msg_hdr.msg_iov = &slices[i];
      messages[i].msg_hdr.msg_iovlen = 1;
    }
    int got = ::recvmmsg(fd_, messages, static_cast<unsigned>(open), MSG_WAITFORONE, nullptr);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return fail_open("", errno);
    for (int m = 0; m < got; ++m) {
      // A cut answer may have lost a dump's DONE: no waiting for what cannot come.
      if (messages[m].msg_hdr.msg_flags & MSG_TRUNC) {
        return fail_open("an answer larger than " + std::to_string(slices[m].iov_len) + " bytes", 0);
      }
      size_t left = messages[m].msg_len;
      for (auto* header = static_cast<nlmsghdr*>(slices[m].iov_base); NLMSG_OK(header, left);
           header = NLMSG_NEXT(header, left)) {
        uint32_t at = header->nlmsg_seq - first_seq;
        if (at >= order.size() || finished[at]) continue;
        const Query& query = queries[order[at]];
        Result<std::vector<std::string>>& result = results[order[at]];
        bool done = true;
        if (header->nlmsg_type == NLMSG_ERROR || header->nlmsg_type == NLMSG_DONE) {
          // Both carry an error number (0: none): DONE says whether the dump finished.
          int err = header->nlmsg_type == NLMSG_ERROR ? AnswerErrno(header, header->nlmsg_len)
                                                      : DoneErrno(header, header->nlmsg_len);
          if (err != 0 && err != query.none_errno) result = Status::FromErrno(query.what, err);
        } else {
          result->emplace_back(reinterpret_cast<const char*>(header), header->nlmsg_len);
          done = !IsDump(query.request);
        }
        if (done) {
          finished[at] = true;
          --open;
          if (at + 1 == order.size()) dump_open = false;
        }
      }
    }
  }
}

Result<std::vector<std::string>> Socket::Exchange(Query query) {
  std::vector<Query> one;
  one.push_back(std::move(query));
  return std::move(Ask(std::move(one)).front());
}

Status Socket::Transact(Change change) {
  std::vector<Change> one;
  one.push_back(std::move(change));
  return Batch(std::move(one)).front();
}

namespace {

Socket::Query LinkNamedQuery(const std::string& name) {
  Request request(RTM_GETLINK, 0);
  request.Payload(ifinfomsg{});
  request.String(IFLA_IFNAME, name);
  return {request.Finish(0), "look up network interface " + name, ENODEV};
}

Socket::Query AddressesQuery() {
  Request request(RTM_GETADDR, NLM_F_DUMP);
  ifaddrmsg payload{};
  payload.ifa_family = AF_INET;
  request.Payload(payload);
  return {request.Finish(0), "list IPv4 addresses"};
}

std::vector<AddressInfo> ParseAddresses(const std::vector<std::string>& messages) {
  std::vector<AddressInfo> addresses;
  for (const auto& message : messages) {
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

}  // namespace

Result<std::vector<LinkInfo>> Socket::Links() {
  Request request(RTM_GETLINK, NLM_F_DUMP);
  request.Payload(ifinfomsg{});
  auto messages = Exchange({request.Finish(0), "list network interfaces"});
  if (!messages.ok()) return messages.status();
  std::vector<LinkInfo> links;
  for (const auto& message : *messages) links.push_back(ParseLink(message));
  return links;
}

Result<std::optional<LinkInfo>> Socket::LinkNamed(const std::string& name) {
  auto messages = Exchange(LinkNamedQuery(name));
  if (!messages.ok()) return messages.status();
  if (messages->empty()) return std::optional<LinkInfo>();
  return std::optional<LinkInfo>(ParseLink(messages->front()));
}

Result<std::vector<AddressInfo>> Socket::Addresses() {
  auto messages = Exchange(AddressesQuery());
  if (!messages.ok()) return messages.status();
  return ParseAddresses(*messages);
}

Result<Socket::LinkWithAddresses> Socket::LinkNamedWithAddresses(const std::string& name) {
  std::vector<Query> queries;
  queries.push_back(LinkNamedQuery(name));
  queries.push_back(AddressesQuery());
  auto answers = Ask(std::move(queries));
  if (!answers[0].ok()) return answers[0].status();
  if (!answers[1].ok()) return answers[1].status();
  LinkWithAddresses found;
  if (answers[0]->empty()) return found;
  found.link = ParseLink(answers[0]->front());
  for (const AddressInfo& address : ParseAddresses(*answers[1])) {
    if (address.index == found.link->index) found.addresses.push_back(address);
  }
  return found;
}

Result<std::vector<RouteInfo>> Socket::Routes() {
  Request request(RTM_GETROUTE, NLM_F_DUMP);
  rtmsg payload{};
  payload.rtm_family = AF_INET;
  request.Payload(payload);
  auto messages = Exchange({request.Finish(0), "list IPv4 routes"});
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

Socket::Change Socket::EncodeSetLink(const LinkInfo& link, std::optional<bool> up, uint32_t mtu,
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
  return {request.Finish(0), what};
}

namespace {

std::string AddressRequest(uint16_t type, uint16_t flags, const LinkInfo& link,
                           const Ipv4Prefix& prefix, Ipv4 broadcast) {
  Request request(type, static_cast<uint16_t>(NLM_F_ACK | flags));
  ifaddrmsg payload{};
  payload.ifa_family = AF_INET;
  payload.ifa_prefixlen = static_cast<unsigned char>(prefix.length);
  payload.ifa_index = static_cast<uint32_t>(link.index);
  request.Payload(payload);
  request.Address(IFA_LOCAL, prefix.address);
  request.Address(IFA_ADDRESS, prefix.address);
  if (broadcast) request.Address(IFA_BROADCAST, broadcast);
  return request.Finish(0);
}

std::string RouteRequest(uint16_t type, uint16_t flags, const LinkInfo& link,
                         const NetRoute& route, const RouteOrigin& origin = {}) {
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
  return request.Finish(0);
}

}  // namespace

Socket::Change Socket::EncodeAddAddress(const LinkInfo& link, const Ipv4Prefix& prefix,
                                        Ipv4 broadcast) {
  return {AddressRequest(RTM_NEWADDR, NLM_F_CREATE | NLM_F_REPLACE, link, prefix, broadcast),
          "add address " + FormatIpv4Prefix(prefix) + " on " + link.name};
}

Socket::Change Socket::EncodeDeleteAddress(const LinkInfo& link, const Ipv4Prefix& prefix) {
  return {AddressRequest(RTM_DELADDR, 0, link, prefix, 0),
          "delete address " + FormatIpv4Prefix(prefix) + " from " + link.name};
}

Socket::Change Socket::EncodeAddRoute(const LinkInfo& link, const NetRoute& route, bool replace,
                                      const RouteOrigin& origin) {
  uint16_t flags = NLM_F_CREATE | (replace ? NLM_F_REPLACE : NLM_F_EXCL);
  std::string what = "add route " + DescribeNetRoute(route) + " dev " + link.name;
  if (origin.metric) what += " metric " + std::to_string(origin.metric);
  return {RouteRequest(RTM_NEWROUTE, flags, link, route, origin), what};
}

Socket::Change Socket::EncodeDeleteRoute(const LinkInfo& link, const NetRoute& route) {
  return {RouteRequest(RTM_DELROUTE, 0, link, route),
          "delete route " + DescribeNetRoute(route) + " dev " + link.name};
}

Status Socket::SetLink(const LinkInfo& link, std::optional<bool> up, uint32_t mtu,
                       std::optional<int> master) {
  return Transact(EncodeSetLink(link, up, mtu, master));
}

Status Socket::AddAddress(const LinkInfo& link, const Ipv4Prefix& prefix, Ipv4 broadcast) {
  return Transact(EncodeAddAddress(link, prefix, broadcast));
}

Status Socket::DeleteAddress(const LinkInfo& link, const Ipv4Prefix& prefix) {
  return Transact(EncodeDeleteAddress(link, prefix));
}

Status Socket::AddRoute(const LinkInfo& link, const NetRoute& route, bool replace,
                        const RouteOrigin& origin) {
  return Transact(EncodeAddRoute(link, route, replace, origin));
}

Status Socket::DeleteRoute(const LinkInfo& link, const NetRoute& route) {
  return Transact(EncodeDeleteRoute(link, route));
}

std::vector<Status> Socket::Batch(std::vector<Change> changes) {
  std::vector<Status> statuses;
  for (auto& answer : Ask(std::move(changes))) {
    statuses.push_back(answer.ok() ? Status::Ok() : answer.status());
  }
  return statuses;
}

Status Socket::CreateBridge(const std::string& name) {
  Request request(RTM_NEWLINK, NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
  request.Payload(ifinfomsg{});
  request.String(IFLA_IFNAME, name);
  size_t linkinfo = request.Begin(IFLA_LINKINFO);
  request.String(IFLA_INFO_KIND, "bridge");
  request.End(linkinfo);
  return Transact({request.Finish(0), "create bridge " + name});
}

Status Socket::DeleteLink(const LinkInfo& link) {
  Request request(RTM_DELLINK, NLM_F_ACK);
  ifinfomsg payload{};
  payload.ifi_index = link.index;
  request.Payload(payload);
  return Transact({request.Finish(0), "delete link " + link.name});
}

std::optional<LinkInfo> FindLink(const std::vector<LinkInfo>& links, const std::string& name) {
  for (const auto& link : links) {
    if (link.name == name) return link;
  }
  return std::nullopt;
}

}  // namespace umla::netlink

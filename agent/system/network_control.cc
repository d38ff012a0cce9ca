#include "agent/system/network_control.h"

#include <linux/rtnetlink.h>

#include "common/netlink.h"

namespace umla::agent {

LinuxNetworkControl::LinuxNetworkControl() = default;
LinuxNetworkControl::~LinuxNetworkControl() = default;

Result<netlink::Socket*> LinuxNetworkControl::OpenSocket() {
  if (!socket_) {
    auto socket = std::make_unique<netlink::Socket>();
    Status opened = socket->Open();
    if (!opened.ok()) return opened;
    socket_ = std::move(socket);
  }
  return socket_.get();
}

Result<std::optional<netlink::LinkInfo>> LinuxNetworkControl::FindLink(const std::string& iface,
                                                                       bool refresh) {
  auto cached = links_.find(iface);
  if (!refresh && cached != links_.end()) return std::optional<netlink::LinkInfo>(cached->second);
  Result<netlink::Socket*> socket = OpenSocket();
  if (!socket.ok()) return socket.status();
  auto links = (*socket)->Links();
  if (!links.ok()) return links.status();
  links_.clear();
  for (const auto& link : *links) links_[link.name] = link;
  return netlink::FindLink(*links, iface);
}

template <typename Action>
Status LinuxNetworkControl::WithLink(const std::string& iface, Action action) {
  auto link = FindLink(iface, false);
  if (!link.ok()) return link.status();
  if (!*link) return Status::Error("no network interface " + iface);
  Status status = action(*socket_, **link);
  if (status.ok()) return status;
  auto fresh = FindLink(iface, true);
  if (!fresh.ok() || !*fresh || (*fresh)->index == (*link)->index) return status;
  return action(*socket_, **fresh);
}

Result<InterfaceSnapshot> LinuxNetworkControl::Read(const std::string& iface) {
  // A snapshot starts a step's work: always from the kernel, not the cache.
  auto found = FindLink(iface, true);
  if (!found.ok()) return found.status();
  InterfaceSnapshot snapshot;
  if (!*found) return snapshot;
  const netlink::LinkInfo* link = &**found;
  netlink::Socket& socket = *socket_;
  snapshot.exists = true;
  snapshot.up = link->up;
  snapshot.mtu = link->mtu;
  auto addresses = socket.Addresses();
  if (!addresses.ok()) return addresses.status();
  for (const auto& address : *addresses) {
    if (address.index == link->index) snapshot.addresses.push_back({address.prefix, address.broadcast});
  }
  auto routes = socket.Routes();
  if (!routes.ok()) return routes.status();
  for (const auto& route : *routes) {
    if (route.table != RT_TABLE_MAIN || route.type != RTN_UNICAST || route.oif != link->index) continue;
    snapshot.routes.push_back({route.route, route.protocol == RTPROT_KERNEL});
  }
  return snapshot;
}

Status LinuxNetworkControl::SetUp(const std::string& iface) {
  return WithLink(iface, [](netlink::Socket& s, const netlink::LinkInfo& link) {
    return s.SetLink(link, true, 0, std::nullopt);
  });
}

Status LinuxNetworkControl::SetMtu(const std::string& iface, uint32_t mtu) {
  return WithLink(iface, [mtu](netlink::Socket& s, const netlink::LinkInfo& link) {
    return s.SetLink(link, std::nullopt, mtu, std::nullopt);
  });
}

Status LinuxNetworkControl::AddAddress(const std::string& iface, const InterfaceAddress& address) {
  return WithLink(iface, [&](netlink::Socket& s, const netlink::LinkInfo& link) {
    return s.AddAddress(link, address.prefix, address.broadcast);
  });
}

Status LinuxNetworkControl::DeleteAddress(const std::string& iface, const Ipv4Prefix& prefix) {
  return WithLink(iface, [&](netlink::Socket& s, const netlink::LinkInfo& link) {
    return s.DeleteAddress(link, prefix);
  });
}

Status LinuxNetworkControl::ReplaceRoute(const std::string& iface, const NetRoute& route) {
  return WithLink(iface, [&](netlink::Socket& s, const netlink::LinkInfo& link) {
    return s.AddRoute(link, route, true);
  });
}

Status LinuxNetworkControl::DeleteRoute(const std::string& iface, const NetRoute& route) {
  return WithLink(iface, [&](netlink::Socket& s, const netlink::LinkInfo& link) {
    return s.DeleteRoute(link, route);
  });
}

}  // namespace umla::agent

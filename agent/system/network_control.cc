#include "agent/system/network_control.h"

#include <linux/rtnetlink.h>

#include "common/netlink.h"

namespace umla::agent {
namespace {

// A fresh socket and link lookup per call: the step makes a handful of calls at
// boot, and indexes must not go stale between them.
template <typename Action>
Status WithLink(const std::string& iface, Action action) {
  netlink::Socket socket;
  Status opened = socket.Open();
  if (!opened.ok()) return opened;
  auto links = socket.Links();
  if (!links.ok()) return links.status();
  auto link = netlink::FindLink(*links, iface);
  if (!link) return Status::Error("no network interface " + iface);
  return action(socket, *link);
}

}  // namespace

Result<InterfaceSnapshot> LinuxNetworkControl::Read(const std::string& iface) {
  netlink::Socket socket;
  Status opened = socket.Open();
  if (!opened.ok()) return opened;
  auto links = socket.Links();
  if (!links.ok()) return links.status();
  InterfaceSnapshot snapshot;
  auto link = netlink::FindLink(*links, iface);
  if (!link) return snapshot;
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

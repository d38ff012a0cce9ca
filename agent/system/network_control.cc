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
  auto link = (*socket)->LinkNamed(iface);
  if (link.ok()) Remember(iface, *link);
  return link;
}

void LinuxNetworkControl::Remember(const std::string& iface,
                                   const std::optional<netlink::LinkInfo>& link) {
  if (link) {
    links_[iface] = *link;
  } else {
    links_.erase(iface);
  }
}

Result<InterfaceSnapshot> LinuxNetworkControl::Read(const std::string& iface) {
  // A snapshot starts a step's work: always from the kernel, not the cache.
  Result<netlink::Socket*> opened = OpenSocket();
  if (!opened.ok()) return opened.status();
  netlink::Socket& socket = **opened;
  auto found = socket.LinkNamedWithAddresses(iface);
  if (!found.ok()) return found.status();
  Remember(iface, found->link);
  InterfaceSnapshot snapshot;
  if (!found->link) return snapshot;
  const netlink::LinkInfo* link = &*found->link;
  snapshot.exists = true;
  snapshot.up = link->up;
  snapshot.mtu = link->mtu;
  for (const auto& address : found->addresses) {
    snapshot.addresses.push_back({address.prefix, address.broadcast});
  }
  // The kernel keeps no IPv4 route through a link that is down (it deletes them when
  // the link goes down, and refuses new ones): a boot's eth0, down until the agent
  // brings it up, needs no route dump (2 syscalls inside UML).
  if (!link->up) return snapshot;
  auto routes = socket.Routes();
  if (!routes.ok()) return routes.status();
  for (const auto& route : *routes) {
    if (route.table != RT_TABLE_MAIN || route.type != RTN_UNICAST || route.oif != link->index) continue;
    snapshot.routes.push_back({route.route, route.protocol == RTPROT_KERNEL});
  }
  return snapshot;
}

std::vector<Status> LinuxNetworkControl::Send(const netlink::LinkInfo& link,
                                              const std::vector<NetAction>& actions) {
  netlink::Socket& s = *socket_;
  std::vector<netlink::Socket::Change> changes;
  for (const NetAction& action : actions) {
    switch (action.kind) {
      case NetAction::kSetUp: changes.push_back(s.EncodeSetLink(link, true, 0, std::nullopt)); break;
      case NetAction::kSetMtu:
        changes.push_back(s.EncodeSetLink(link, std::nullopt, action.mtu, std::nullopt));
        break;
      case NetAction::kDeleteRoute: changes.push_back(s.EncodeDeleteRoute(link, action.route)); break;
      case NetAction::kDeleteAddress:
        changes.push_back(s.EncodeDeleteAddress(link, action.address.prefix));
        break;
      case NetAction::kAddAddress:
        changes.push_back(s.EncodeAddAddress(link, action.address.prefix, action.address.broadcast));
        break;
      case NetAction::kReplaceRoute:
        changes.push_back(s.EncodeAddRoute(link, action.route, true));
        break;
    }
  }
  return s.Batch(std::move(changes));
}

std::vector<Status> LinuxNetworkControl::Apply(const std::string& iface,
                                               const std::vector<NetAction>& actions) {
  if (actions.empty()) return {};
  auto link = FindLink(iface, false);
  if (!link.ok() || !*link) {
    Status failed = link.ok() ? Status::Error("no network interface " + iface) : link.status();
    return std::vector<Status>(actions.size(), failed);
  }
  std::vector<Status> statuses = Send(**link, actions);
  std::vector<size_t> failed;
  for (size_t i = 0; i < statuses.size(); ++i) {
    if (!statuses[i].ok()) failed.push_back(i);
  }
  if (failed.empty()) return statuses;
  auto fresh = FindLink(iface, true);
  if (!fresh.ok() || !*fresh || (*fresh)->index == (*link)->index) return statuses;
  std::vector<NetAction> again;
  for (size_t i : failed) again.push_back(actions[i]);
  std::vector<Status> retried = Send(**fresh, again);
  for (size_t k = 0; k < failed.size(); ++k) statuses[failed[k]] = retried[k];
  return statuses;
}

}  // namespace umla::agent

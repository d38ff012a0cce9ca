#include "host-bridge/hostnet/uplink_move.h"

#include <linux/rtnetlink.h>

#include <algorithm>

namespace umla::bridge {

Result<netlink::LinkInfo> LinkNamed(HostLinks& links, const std::string& name) {
  auto all = links.Links();
  if (!all.ok()) return all.status();
  auto link = netlink::FindLink(*all, name);
  if (!link) return Status::Error("no network interface " + name);
  return *link;
}

Status MoveUplinkConfig(HostLinks& links, const std::string& from, const std::string& to,
                        const UplinkConfig& config, std::ostream& out) {
  auto to_link = LinkNamed(links, to);
  if (!to_link.ok()) return to_link.status();
  auto has = [&links](int index, const Ipv4Prefix& prefix) -> Result<bool> {
    auto addresses = links.Addresses();
    if (!addresses.ok()) return addresses.status();
    return std::any_of(addresses->begin(), addresses->end(), [&](const auto& info) {
      return info.index == index && info.prefix == prefix;
    });
  };
  for (const MovedAddress& address : config.addresses) {
    Result<bool> there = has(to_link->index, address.prefix);
    if (!there.ok()) return there.status();
    if (*there) continue;
    Status added = links.AddAddress(*to_link, address.prefix, address.broadcast);
    if (!added.ok()) return added;
    out << "address " << DescribeAddress(address) << ": now on " << to << "\n";
  }
  auto routes = links.Routes();
  if (!routes.ok()) return routes.status();
  for (const MovedRoute& moved : config.routes) {
    bool in_place = std::any_of(routes->begin(), routes->end(), [&](const auto& route) {
      return route.oif == to_link->index && route.table == RT_TABLE_MAIN &&
             route.route == moved.route && route.metric == moved.origin.metric;
    });
    if (in_place) continue;
    Status added = links.ReplaceRoute(*to_link, moved.route, moved.origin);
    if (!added.ok()) return added;
    out << "route " << DescribeRoute(moved) << ": now through " << to << "\n";
  }
  auto from_link = LinkNamed(links, from);
  if (!from_link.ok()) return Status::Ok();  // gone: nothing to take off it
  for (auto address = config.addresses.rbegin(); address != config.addresses.rend(); ++address) {
    Result<bool> there = has(from_link->index, address->prefix);
    if (!there.ok()) return there.status();
    if (!*there) continue;
    Status removed = links.DeleteAddress(*from_link, address->prefix);
    if (!removed.ok()) return removed;
    out << "address " << DescribeAddress(*address) << ": removed from " << from << "\n";
  }
  return Status::Ok();
}

}  // namespace umla::bridge

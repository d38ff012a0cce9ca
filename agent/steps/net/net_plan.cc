#include "agent/steps/net/net_plan.h"

#include <algorithm>

namespace umla::agent {
namespace {

// A /32 has no subnet: the kernel adds no route with such an address (its prefix is
// the address itself), so none is wanted, and a second run finds nothing to do.
bool HasSubnetRoute(const GuestNetConfig& wanted) { return wanted.address.length < 32; }

// Subnet route first, other on-link routes, gatewayed routes, the default route last:
// a gateway must be reachable when its route is added.
std::vector<NetRoute> WantedRoutes(const GuestNetConfig& wanted) {
  std::vector<NetRoute> routes;
  if (HasSubnetRoute(wanted)) {
    routes.push_back({{NetworkOf(wanted.address), wanted.address.length}, std::nullopt});
  }
  for (const auto& route : wanted.routes) {
    if (!route.gateway) routes.push_back(route);
  }
  for (const auto& route : wanted.routes) {
    if (route.gateway) routes.push_back(route);
  }
  if (wanted.gateway) routes.push_back({{0, 0}, wanted.gateway});
  return routes;
}

const InterfaceRoute* RouteTo(const InterfaceSnapshot& now, const Ipv4Prefix& destination) {
  for (const auto& route : now.routes) {
    if (route.route.destination == destination) return &route;
  }
  return nullptr;
}

}  // namespace

std::vector<NetAction> PlanInterface(const GuestNetConfig& wanted, const InterfaceSnapshot& now) {
  std::vector<NetAction> plan;
  if (!now.up) plan.push_back({NetAction::kSetUp});
  if (wanted.mtu && wanted.mtu != now.mtu) plan.push_back({NetAction::kSetMtu, wanted.mtu});

  std::vector<NetRoute> routes = WantedRoutes(wanted);
  for (const auto& route : now.routes) {
    bool wanted_destination = std::any_of(routes.begin(), routes.end(), [&](const NetRoute& r) {
      return r.destination == route.route.destination;
    });
    // Kernel routes go with their address; deleting that address removes them.
    if (!wanted_destination && !route.from_kernel) {
      plan.push_back({NetAction::kDeleteRoute, 0, {}, route.route});
    }
  }
  InterfaceAddress address{wanted.address, wanted.broadcast};
  bool has_address = false;
  bool deleted_address = false;
  for (const auto& present : now.addresses) {
    if (present == address) {
      has_address = true;
    } else {
      plan.push_back({NetAction::kDeleteAddress, 0, present, {}});
      deleted_address = true;
    }
  }
  // Taking an address away can flush routes through it: re-add every route then.
  bool address_changed = !has_address || deleted_address;
  if (!has_address) plan.push_back({NetAction::kAddAddress, 0, address, {}});

  for (size_t i = 0; i < routes.size(); ++i) {
    const InterfaceRoute* present = RouteTo(now, routes[i].destination);
    // The kernel adds the subnet route with the address.
    if (i == 0 && HasSubnetRoute(wanted) && !has_address) continue;
    bool same = present && present->route.gateway == routes[i].gateway;
    if (!same || address_changed) plan.push_back({NetAction::kReplaceRoute, 0, {}, routes[i]});
  }
  return plan;
}

std::string DescribeNetAction(const NetAction& action, const std::string& iface) {
  switch (action.kind) {
    case NetAction::kSetUp: return "+ link " + iface + " up";
    case NetAction::kSetMtu: return "+ link " + iface + " mtu " + std::to_string(action.mtu);
    case NetAction::kDeleteRoute:
      return "- route " + DescribeNetRoute(action.route) + " dev " + iface;
    case NetAction::kDeleteAddress:
      return "- address " + FormatIpv4Prefix(action.address.prefix) + " dev " + iface;
    case NetAction::kAddAddress:
      return "+ address " + FormatIpv4Prefix(action.address.prefix) +
             (action.address.broadcast ? " brd " + FormatIpv4(action.address.broadcast) : "") +
             " dev " + iface;
    case NetAction::kReplaceRoute:
      return "+ route " + DescribeNetRoute(action.route) + " dev " + iface;
  }
  return "?";
}

}  // namespace umla::agent

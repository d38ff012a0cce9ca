#include "host-bridge/hostnet/mirror_plan.h"

#include <linux/rtnetlink.h>

#include <algorithm>

namespace umla::bridge {
namespace {

bool IsMainUnicast(const netlink::RouteInfo& route) {
  return route.table == RT_TABLE_MAIN && route.type == RTN_UNICAST;
}

// The host address on IFACE whose subnet holds the guest, or an error saying why none.
Result<netlink::AddressInfo> SubnetFor(const HostNetwork& host, const netlink::LinkInfo& link,
                                       const Ipv4Prefix& guest) {
  std::string on_iface;
  for (const auto& address : host.addresses) {
    if (address.index != link.index) continue;
    on_iface += (on_iface.empty() ? "" : ", ") + FormatIpv4Prefix(address.prefix);
    if (InSubnet(address.prefix, guest.address)) return address;
  }
  if (on_iface.empty()) return Status::Error(link.name + " has no IPv4 address to mirror");
  return Status::Error("guest address " + FormatIpv4(guest.address) + " is outside the subnet of " +
                       link.name + " (" + on_iface + ")");
}

Status CheckGuestAddress(const netlink::AddressInfo& host_address, const Ipv4Prefix& guest,
                         const std::string& iface) {
  const Ipv4Prefix& subnet = host_address.prefix;
  std::string guest_text = FormatIpv4Prefix(guest);
  if (guest.length != subnet.length) {
    return Status::Error("guest address " + guest_text + " has another prefix length than " +
                         iface + " (" + FormatIpv4Prefix(subnet) + ")");
  }
  if (guest.address == subnet.address) {
    return Status::Error("guest address " + guest_text + " is the host's own address on " + iface);
  }
  if (IsNetworkOrBroadcast(subnet, guest.address)) {
    return Status::Error("guest address " + guest_text + " is the network or broadcast address of " +
                         FormatIpv4Prefix(subnet));
  }
  return Status::Ok();
}

// The guest's settings must pass the agent's checks (GatewayProblem): a gateway the
// guest could not use is left out here, with a warning, rather than failing its net step.
void PlanGateway(const HostNetwork& host, const Ipv4Prefix& guest, MirrorPlan* plan) {
  std::string unusable;
  for (const auto& route : host.routes) {
    if (!IsMainUnicast(route) || route.route.destination.length != 0) continue;
    const std::optional<Ipv4>& gateway = route.route.gateway;
    std::string problem = gateway ? GatewayProblem(guest, *gateway) : "it has no gateway";
    if (problem.empty()) {
      plan->config.gateway = gateway;
      return;
    }
    unusable = problem;
  }
  plan->warnings.push_back(unusable.empty() ? "the host has no default route: the guest gets none"
                                            : "the host's default route is of no use to the guest (" +
                                                  unusable + "): the guest gets no default route");
}

// One route per destination, as the agent takes them: of the host's routes to one
// destination (with different metrics) the first, the one the host prefers, is kept.
void PlanRoutes(const HostNetwork& host, const netlink::LinkInfo& link, const Ipv4Prefix& guest,
                MirrorPlan* plan) {
  Ipv4Prefix own{NetworkOf(guest), guest.length};
  for (const auto& route : host.routes) {
    const NetRoute& r = route.route;
    if (!IsMainUnicast(route) || route.oif != link.index || r.destination.length == 0) continue;
    if (r.destination == own && !r.gateway) continue;  // the subnet route comes with the address
    std::string problem = r.gateway ? GatewayProblem(guest, *r.gateway) : "";
    auto& routes = plan->config.routes;
    bool taken = r.destination == own ||
                 std::any_of(routes.begin(), routes.end(),
                             [&](const NetRoute& kept) { return kept.destination == r.destination; });
    if (taken) problem = "the guest already has a route to " + FormatIpv4Prefix(r.destination);
    if (!problem.empty()) {
      plan->warnings.push_back("route " + FormatNetRoute(r) + " on " + link.name + ": " + problem +
                               ", left out");
      continue;
    }
    routes.push_back(r);
  }
}

// Keeps what the guest can use and can carry on its command line.
void PlanResolver(const ResolverConfig& resolver, MirrorPlan* plan) {
  for (const auto& server : resolver.nameservers) {
    auto address = ParseIpv4(server);
    if (!address) {
      plan->warnings.push_back("nameserver " + server + " is not IPv4" + LeadingZeroNote(server) +
                               ": left out");
    } else if ((*address >> 24) == 127) {
      plan->warnings.push_back("nameserver " + server + " is the host's loopback: left out");
    } else {
      plan->config.dns.nameservers.push_back(server);
    }
  }
  auto keep_plain = [&](const std::vector<std::string>& items, std::vector<std::string>* out,
                        const char* what) {
    for (const auto& item : items) {
      if (IsPlainListItem(item)) out->push_back(item);
      else plan->warnings.push_back(std::string(what) + " \"" + item + "\" cannot be passed on: left out");
    }
  };
  keep_plain(resolver.search, &plan->config.dns.search, "search domain");
  keep_plain(resolver.options, &plan->config.dns.options, "resolver option");
  if (plan->config.dns.nameservers.empty()) {
    plan->warnings.push_back("no usable nameserver on the host: the guest's resolv.conf gets none");
  }
}

}  // namespace

Result<MirrorPlan> PlanMirror(const HostNetwork& host, const ResolverConfig& resolver,
                              const MirrorRequest& request) {
  auto link = netlink::FindLink(host.links, request.iface);
  if (!link) return Status::Error("no network interface " + request.iface + " on this host");
  auto host_address = SubnetFor(host, *link, request.guest);
  if (!host_address.ok()) return host_address.status();
  Status checked = CheckGuestAddress(*host_address, request.guest, request.iface);
  if (!checked.ok()) return checked;

  MirrorPlan plan;
  const Ipv4Prefix& subnet = host_address->prefix;
  plan.config.address = request.guest;
  plan.config.mtu = link->mtu;
  PlanGateway(host, request.guest, &plan);
  plan.config.broadcast = DefaultBroadcastOf(subnet);
  if (Ipv4 host_broadcast = host_address->broadcast; host_broadcast) {
    // The agent refuses the same broadcasts (one rule for both), so a host's odd one
    // (the guest's own address, say) must not make the guest's whole net step fail.
    std::string problem = BroadcastProblem(request.guest, host_broadcast);
    if (problem.empty() && plan.config.gateway == host_broadcast) {
      problem = FormatIpv4(host_broadcast) + " is the guest's gateway";
    }
    if (problem.empty()) plan.config.broadcast = host_broadcast;
    else plan.warnings.push_back("host broadcast address " + problem + "; the guest gets " +
                                 FormatIpv4(plan.config.broadcast) + " instead");
  }
  PlanRoutes(host, *link, request.guest, &plan);
  PlanResolver(resolver, &plan);
  return plan;
}

}  // namespace umla::bridge

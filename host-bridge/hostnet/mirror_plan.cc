#include "host-bridge/hostnet/mirror_plan.h"

#include <linux/rtnetlink.h>

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
  if (subnet.length < 31 &&
      (guest.address == NetworkOf(subnet) || guest.address == BroadcastOf(subnet))) {
    return Status::Error("guest address " + guest_text + " is the network or broadcast address of " +
                         FormatIpv4Prefix(subnet));
  }
  return Status::Ok();
}

void PlanGateway(const HostNetwork& host, const Ipv4Prefix& subnet, const std::string& iface,
                 MirrorPlan* plan) {
  std::string elsewhere;
  for (const auto& route : host.routes) {
    if (!IsMainUnicast(route) || route.route.destination.length != 0) continue;
    if (route.route.gateway && InSubnet(subnet, *route.route.gateway)) {
      plan->config.gateway = route.route.gateway;
      return;
    }
    elsewhere = route.route.gateway ? "via " + FormatIpv4(*route.route.gateway) : "without a gateway";
  }
  plan->warnings.push_back(
      elsewhere.empty() ? "the host has no default route: the guest gets none"
                        : "the host's default route (" + elsewhere + ") is not reachable from " +
                              iface + "'s subnet: the guest gets no default route");
}

void PlanRoutes(const HostNetwork& host, const netlink::LinkInfo& link, const Ipv4Prefix& subnet,
                MirrorPlan* plan) {
  Ipv4Prefix own{NetworkOf(subnet), subnet.length};
  for (const auto& route : host.routes) {
    const NetRoute& r = route.route;
    if (!IsMainUnicast(route) || route.oif != link.index || r.destination.length == 0) continue;
    if (r.destination == own && !r.gateway) continue;  // the subnet route comes with the address
    if (r.gateway && !InSubnet(subnet, *r.gateway)) {
      plan->warnings.push_back("route " + FormatNetRoute(r) + " on " + link.name +
                               ": gateway outside the guest's subnet, left out");
      continue;
    }
    plan->config.routes.push_back(r);
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
  plan.config.broadcast =
      host_address->broadcast ? host_address->broadcast : DefaultBroadcastOf(subnet);
  plan.config.mtu = link->mtu;
  PlanGateway(host, subnet, request.iface, &plan);
  PlanRoutes(host, *link, subnet, &plan);
  PlanResolver(resolver, &plan);
  return plan;
}

}  // namespace umla::bridge

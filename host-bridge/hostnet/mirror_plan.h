// Works out the guest's network from the host's: the guest sits on IFACE's subnet
// with IFACE's MTU, the host's default gateway, the routes the host has through
// IFACE, and the host's resolvers. Pure: the host is passed in as read.
#pragma once

#include <string>
#include <vector>

#include "common/net_config.h"
#include "common/status.h"
#include "host-bridge/hostnet/host_network.h"

namespace umla::bridge {

struct MirrorRequest {
  std::string iface;   // the host interface the guest's tap is bridged to (br0)
  Ipv4Prefix guest;    // the address the guest should have, with its prefix length
};

struct MirrorPlan {
  GuestNetConfig config;
  std::vector<std::string> warnings;  // what the guest will lack, and why
};

// Fails (naming IFACE and the addresses) when IFACE is missing or has no IPv4
// address, or when the guest address is outside IFACE's subnet, has another prefix
// length, or is the host's own, the network or the broadcast address.
// No usable default route is a warning, and the guest gets none; so is a route the
// agent would refuse (a gateway the guest cannot use, a second route to a destination),
// which is left out. Whatever the plan holds passes the agent's checks.
Result<MirrorPlan> PlanMirror(const HostNetwork& host, const ResolverConfig& resolver,
                              const MirrorRequest& request);

}  // namespace umla::bridge

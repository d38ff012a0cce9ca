// The host's view of its network, read once: links, IPv4 addresses, IPv4 routes
// (through rtnetlink) and its resolver configuration (files).
#pragma once

#include <string>
#include <vector>

#include "common/net_config.h"
#include "common/netlink.h"
#include "common/status.h"

namespace umla::bridge {

struct HostNetwork {
  std::vector<netlink::LinkInfo> links;
  std::vector<netlink::AddressInfo> addresses;
  std::vector<netlink::RouteInfo> routes;
};

// Fails naming the netlink request that failed.
Result<HostNetwork> ReadHostNetwork();

// /etc/resolv.conf, or the upstream servers when it is the systemd-resolved stub.
// A missing /etc/resolv.conf gives an empty config and a note.
ResolverConfig ReadHostResolver(std::vector<std::string>* notes);

}  // namespace umla::bridge

// net.gateway and net.routes checked against net.address and each other before anything
// is applied, so that what reaches the kernel (and the distribution's files, whose
// scripts add the routes one by one with `ip route add`) is taken in one go. Pure.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/net_config.h"

namespace umla::agent {

// A settings value the kernel would refuse; `why` names the route or address.
struct RouteProblem {
  const char* key;  // kNetGatewayKey or kNetRoutesKey
  std::string why;
};

// On success, config->routes is tidied:
// - a route that net.address's subnet route or net.gateway's default route already is,
//   or one listed twice, is dropped with a line in `notes` (added again it would fail
//   with "File exists" in the distribution's scripts);
// - on-link routes come first, so every gateway is reachable when its route is added.
// A problem (config left as it was): net.gateway outside net.address's subnet, or any
// gateway that is the interface's own, the network or the broadcast address
// (GatewayProblem); a route gateway outside the subnet that no on-link route in
// net.routes reaches; two routes to one destination through different gateways (among
// them a default route besides net.gateway), or one to the subnet through a gateway.
std::optional<RouteProblem> CheckRoutes(GuestNetConfig* config, std::vector<std::string>* notes);

}  // namespace umla::agent

#include "agent/steps/net/route_checks.h"

#include <algorithm>

namespace umla::agent {
namespace {

// A route the interface gets without net.routes, what it is and what to do about a
// route in net.routes that conflicts with it, for messages.
struct ImpliedRoute {
  NetRoute route;
  std::string what;
  std::string remedy;
};

std::vector<ImpliedRoute> ImpliedRoutes(const GuestNetConfig& config) {
  std::vector<ImpliedRoute> implied = {
      {{{NetworkOf(config.address), config.address.length}, std::nullopt},
       "net.address's subnet route", "it comes with the address: leave it out"}};
  if (config.gateway) {
    implied.push_back({{{0, 0}, config.gateway}, "net.gateway's default route", "keep one of them"});
  }
  return implied;
}

// net.gateway is written as the distributions' own gateway setting (ifupdown's
// `gateway`, ifcfg's GATEWAY=, networkd's Gateway=), which ifupdown and Red Hat's
// scripts set before any extra route: only a gateway in the subnet is reachable then.
std::optional<RouteProblem> NetGatewayProblem(const GuestNetConfig& config) {
  if (!config.gateway) return std::nullopt;
  std::string problem = GatewayProblem(config.address, *config.gateway);
  if (problem.empty()) return std::nullopt;
  if (!InSubnet(config.address, *config.gateway)) {
    std::string gateway = FormatIpv4(*config.gateway);
    problem += "; net.gateway must be in it (a gateway elsewhere, as a /32 address needs, goes "
               "in net.routes after an on-link route to it: " +
               gateway + "/32,0.0.0.0/0@" + gateway + ")";
  }
  return RouteProblem{kNetGatewayKey, problem};
}

}  // namespace

std::optional<RouteProblem> CheckRoutes(GuestNetConfig* config, std::vector<std::string>* notes) {
  if (auto problem = NetGatewayProblem(*config)) return problem;
  std::vector<ImpliedRoute> implied = ImpliedRoutes(*config);
  std::vector<NetRoute> kept;
  std::vector<std::string> dropped;
  for (const NetRoute& route : config->routes) {
    std::string what = "route " + DescribeNetRoute(route);
    auto implied_match = std::find_if(implied.begin(), implied.end(), [&](const ImpliedRoute& other) {
      return other.route.destination == route.destination;
    });
    if (implied_match != implied.end()) {
      if (implied_match->route == route) {
        dropped.push_back(what + " is " + implied_match->what + " already: left out");
        continue;
      }
      return RouteProblem{kNetRoutesKey, what + " conflicts with " + implied_match->what + " (" +
                                             DescribeNetRoute(implied_match->route) + "): " +
                                             implied_match->remedy};
    }
    auto earlier = std::find_if(kept.begin(), kept.end(), [&](const NetRoute& other) {
      return other.destination == route.destination;
    });
    if (earlier != kept.end()) {
      if (*earlier == route) {
        dropped.push_back(what + " is listed twice: left out");
        continue;
      }
      return RouteProblem{kNetRoutesKey, what + " conflicts with route " + DescribeNetRoute(*earlier) +
                                             " (one route per destination): keep one of them"};
    }
    kept.push_back(route);
  }
  for (const NetRoute& route : kept) {
    if (!route.gateway) continue;
    std::string problem = GatewayProblem(config->address, *route.gateway, kept);
    if (!problem.empty()) {
      return RouteProblem{kNetRoutesKey, "route " + DescribeNetRoute(route) + ": " + problem};
    }
  }
  std::stable_partition(kept.begin(), kept.end(), [](const NetRoute& route) { return !route.gateway; });
  config->routes = std::move(kept);
  notes->insert(notes->end(), dropped.begin(), dropped.end());
  return std::nullopt;
}

}  // namespace umla::agent

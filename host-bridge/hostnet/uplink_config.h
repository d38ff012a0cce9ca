// What `net-setup --uplink IF` moves from IF to the bridge, and back on --down: IF's
// IPv4 addresses and the main-table routes through it. The classic setup has the
// host's address on the bridge: left on a port, it would no longer be reachable.
// Pure: the selection from netlink's lists, and the record's JSON form.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/net_config.h"
#include "common/netlink.h"
#include "common/status.h"

namespace umla::bridge {

struct MovedAddress {
  Ipv4Prefix prefix;
  Ipv4 broadcast = 0;  // 0: none was set
};

struct MovedRoute {
  NetRoute route;
  netlink::RouteOrigin origin;  // kept, so the route comes back as it was
};

struct UplinkConfig {
  std::vector<MovedAddress> addresses;
  std::vector<MovedRoute> routes;  // on-link ones first: the others may need them
  bool empty() const { return addresses.empty() && routes.empty(); }
};

// The addresses of link `index` and the routes in the main table through it, less
// those the kernel adds by itself with an address (proto kernel).
UplinkConfig UplinkConfigOf(int index, const std::vector<netlink::AddressInfo>& addresses,
                            const std::vector<netlink::RouteInfo>& routes);

// "192.0.2.1/24 brd 192.0.2.255", "default via 192.0.2.254 metric 50": for messages.
std::string DescribeAddress(const MovedAddress& address);
std::string DescribeRoute(const MovedRoute& route);

nlohmann::ordered_json UplinkConfigToJson(const UplinkConfig& config);
// Fails naming `source` and the entry that is not one of ours, and the number when
// that is for a leading zero (LeadingZeroNote, common/ipv4.h).
Result<UplinkConfig> UplinkConfigFromJson(const nlohmann::json& json, const std::string& source);

}  // namespace umla::bridge

// The guest's network configuration as the host computes it and the guest applies it,
// and the settings keys that carry it (uml_agent.net.* / uml_agent.dns.* on the guest
// kernel command line). Pure; the one place both sides agree on the format.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/ipv4.h"

namespace umla {

struct NetRoute {
  Ipv4Prefix destination;        // network address (host bits clear)
  std::optional<Ipv4> gateway;   // none: on-link
  bool operator==(const NetRoute& other) const {
    return destination == other.destination && gateway == other.gateway;
  }
};

// "DEST/LEN", "DEST/LEN via GW" or "DEST/LEN@GW" (the last has no spaces, so it fits
// a kernel command line unquoted). Host bits in DEST are an error, as in `ip route`.
std::optional<NetRoute> ParseNetRoute(std::string_view text);
// "DEST/LEN@GW" or "DEST/LEN".
std::string FormatNetRoute(const NetRoute& route);
// As `ip route` shows it, for messages: "default via GW", "DEST/LEN via GW", "DEST/LEN".
std::string DescribeNetRoute(const NetRoute& route);

// Why the kernel would refuse `gateway` as a next hop on an interface whose address is
// `address`, or "" when it would take it: "192.0.2.255 is the broadcast address of
// 192.0.2.0/24", "... is the interface's own address", "... is outside 192.0.2.2/24's
// subnet". Outside the subnet is fine when one of `routes` is on-link and reaches it.
std::string GatewayProblem(const Ipv4Prefix& address, Ipv4 gateway,
                           const std::vector<NetRoute>& routes = {});

// Why `broadcast` is no broadcast address for an interface whose address is `address`,
// or "" when it is one: 0.0.0.0 (none), 255.255.255.255 (the limited broadcast, which
// some hosts set), or, on a subnet wider than /31, an address of the subnet other than
// the interface's own. Another address would send the broadcasts where no neighbour
// listens (the kernel takes it all the same). The caller also refuses the gateway's
// address: as a broadcast, the kernel would send nothing to the gateway itself.
std::string BroadcastProblem(const Ipv4Prefix& address, Ipv4 broadcast);

struct ResolverConfig {
  std::vector<std::string> nameservers;  // IPv4 dotted quads
  std::vector<std::string> search;
  std::vector<std::string> options;      // e.g. "ndots:2", "edns0"
  bool empty() const { return nameservers.empty() && search.empty() && options.empty(); }
};

struct GuestNetConfig {
  Ipv4Prefix address;        // the guest's own address with the subnet's length
  Ipv4 broadcast = 0;
  uint32_t mtu = 0;          // 0: leave the interface's MTU alone
  std::optional<Ipv4> gateway;
  std::vector<NetRoute> routes;  // beyond the subnet and the default route
  ResolverConfig dns;
};

// Whether `name` is an interface name both programs accept: 1 to 15 (IFNAMSIZ - 1)
// letters, digits, '_', '.', '-', and not "." or "..". Stricter than the kernel (which
// takes anything but '/', ':' and whitespace) on purpose: the agent writes the name
// into files that shells read (ifcfg's DEVICE=, ifupdown's "up ip route ... dev IFACE"),
// where "$(...)", ';' or '#' would be code or a comment, and the bridge builds a path
// from it (its net-setup record), where '/' or ".." would lead elsewhere.
bool IsInterfaceName(std::string_view name);
// What IsInterfaceName wants, for messages: "expected " + kInterfaceNameRule.
inline constexpr const char* kInterfaceNameRule = "an interface name of 1 to 15 letters, digits, _ . -";

// The interface the agent configures unless net.iface says otherwise.
inline constexpr const char* kDefaultGuestIface = "eth0";

// Settings keys (without the uml_agent. prefix). Lists are comma-separated.
inline constexpr const char* kNetIfaceKey = "net.iface";
inline constexpr const char* kNetAddressKey = "net.address";
inline constexpr const char* kNetBroadcastKey = "net.broadcast";
inline constexpr const char* kNetGatewayKey = "net.gateway";
inline constexpr const char* kNetMtuKey = "net.mtu";
inline constexpr const char* kNetRoutesKey = "net.routes";
inline constexpr const char* kNetPersistKey = "net.persist";
inline constexpr const char* kDnsNameserversKey = "dns.nameservers";
inline constexpr const char* kDnsSearchKey = "dns.search";
inline constexpr const char* kDnsOptionsKey = "dns.options";

// KEY=VALUE pairs for `config`, in a fixed order; empty values are left out.
std::vector<std::pair<std::string, std::string>> NetConfigSettings(const GuestNetConfig& config);

// Whether `token` can travel as one item of a comma list on a kernel command line
// (printable ASCII, no space, comma, quote or backslash).
bool IsPlainListItem(std::string_view token);

std::string JoinComma(const std::vector<std::string>& items);

}  // namespace umla

#include "agent/steps/net/net_settings.h"

#include "agent/steps/net/route_checks.h"
#include "common/strings.h"

namespace umla::agent {
namespace {

Status Refused(const Settings& settings, const std::string& key, const std::string& why) {
  return Status::Error(settings.Describe(key, *settings.Get(key)) + ": " + why);
}

Status Bad(const Settings& settings, const std::string& key, const std::string& expected) {
  return Refused(settings, key, "expected " + expected);
}

// For keys holding addresses: says so when the value was refused for a leading zero.
Status BadAddress(const Settings& settings, const std::string& key, const std::string& expected) {
  return Bad(settings, key, expected + LeadingZeroNote(settings.Get(key)->value));
}

// A comma list; every item must satisfy `valid`. Empty items (",,") are errors too.
// `addresses`: the items hold IPv4 addresses (a leading zero is then named).
Result<std::vector<std::string>> List(const Settings& settings, const std::string& key,
                                      bool (*valid)(std::string_view), const std::string& expected,
                                      bool addresses = false) {
  std::vector<std::string> items;
  auto setting = settings.Get(key);
  if (!setting || setting->value.empty()) return items;
  for (std::string_view item : Split(setting->value, ',')) {
    item = Trim(item);
    if (!valid(item)) {
      std::string note = addresses ? LeadingZeroNote(item) : "";
      return Bad(settings, key, expected + " (bad item \"" + std::string(item) + "\"" + note + ")");
    }
    items.emplace_back(item);
  }
  return items;
}

bool IsIpv4(std::string_view text) { return ParseIpv4(text).has_value(); }

}  // namespace

std::vector<std::string_view> NetKeys() {
  return {kNetIfaceKey, kNetAddressKey, kNetBroadcastKey, kNetGatewayKey,
          kNetMtuKey,   kNetRoutesKey,  kNetPersistKey};
}

std::vector<std::string_view> DnsKeys() { return {kDnsNameserversKey, kDnsSearchKey, kDnsOptionsKey}; }

Result<std::optional<NetSettings>> ReadNetSettings(const Settings& settings) {
  bool any = false;
  for (std::string_view key : NetKeys()) any = any || settings.Get(std::string(key));
  if (!any) return std::optional<NetSettings>();
  NetSettings net;
  auto iface = settings.String(kNetIfaceKey, kDefaultGuestIface);
  if (!iface.ok()) return iface.status();
  if (!IsInterfaceName(*iface)) return Bad(settings, kNetIfaceKey, kInterfaceNameRule);
  net.iface = *iface;

  auto address_setting = settings.Get(kNetAddressKey);
  if (!address_setting) {
    return Status::Error(std::string(kNetAddressKey) + " is not set, but other net.* settings are");
  }
  auto address = ParseIpv4Prefix(address_setting->value);
  if (!address || address->length == 0) {
    return BadAddress(settings, kNetAddressKey, "ADDR/PREFIX such as 192.0.2.2/24");
  }
  // The kernel takes such an address, but nothing on the subnet can reach it.
  if (IsNetworkOrBroadcast(*address, address->address)) {
    bool network = address->address == NetworkOf(*address);
    return Refused(settings, kNetAddressKey,
                   FormatIpv4(address->address) + " is the " + (network ? "network" : "broadcast") +
                       " address of " + FormatIpv4Prefix({NetworkOf(*address), address->length}) +
                       ", not one a host can have");
  }
  GuestNetConfig& config = net.config;
  config.address = *address;
  config.broadcast = DefaultBroadcastOf(*address);
  if (auto setting = settings.Get(kNetBroadcastKey)) {
    auto broadcast = ParseIpv4(setting->value);
    if (!broadcast) return BadAddress(settings, kNetBroadcastKey, "an IPv4 address");
    std::string problem = BroadcastProblem(*address, *broadcast);
    if (!problem.empty()) return Refused(settings, kNetBroadcastKey, problem);
    config.broadcast = *broadcast;
  }
  if (auto setting = settings.Get(kNetGatewayKey); setting && !setting->value.empty()) {
    auto gateway = ParseIpv4(setting->value);
    if (!gateway) return BadAddress(settings, kNetGatewayKey, "an IPv4 address");
    config.gateway = *gateway;
    // A default broadcast equal to it is the gateway check's (CheckRoutes) to name.
    if (settings.Get(kNetBroadcastKey) && config.broadcast == *gateway) {
      return Refused(settings, kNetBroadcastKey,
                     FormatIpv4(*gateway) + " is net.gateway: as a broadcast address the "
                     "kernel would send nothing to the gateway itself");
    }
  }
  auto mtu = settings.Unsigned(kNetMtuKey, 0, 65535);
  if (!mtu.ok()) return mtu.status();
  if (*mtu != 0 && *mtu < 68) return Bad(settings, kNetMtuKey, "an MTU from 68 to 65535");
  config.mtu = static_cast<uint32_t>(*mtu);
  auto routes = List(settings, kNetRoutesKey, [](std::string_view item) {
    return ParseNetRoute(item).has_value();
  }, "DEST/PREFIX, DEST/PREFIX@GATEWAY or \"DEST/PREFIX via GATEWAY\"", true);
  if (!routes.ok()) return routes.status();
  for (const auto& item : *routes) config.routes.push_back(*ParseNetRoute(item));
  std::vector<std::string> dropped;
  if (auto problem = CheckRoutes(&config, &dropped)) return Refused(settings, problem->key, problem->why);
  for (const auto& note : dropped) {
    net.notes.push_back(settings.Describe(kNetRoutesKey, *settings.Get(kNetRoutesKey)) + ": " + note);
  }
  auto persist = settings.Bool(kNetPersistKey, true);
  if (!persist.ok()) return persist.status();
  net.persist = *persist;
  return std::optional<NetSettings>(net);
}

Result<ResolverConfig> ReadDnsSettings(const Settings& settings) {
  ResolverConfig dns;
  auto servers = List(settings, kDnsNameserversKey, IsIpv4, "IPv4 addresses separated by commas", true);
  if (!servers.ok()) return servers.status();
  auto search = List(settings, kDnsSearchKey, IsPlainListItem, "domains separated by commas");
  if (!search.ok()) return search.status();
  auto options = List(settings, kDnsOptionsKey, IsPlainListItem, "resolver options separated by commas");
  if (!options.ok()) return options.status();
  dns.nameservers = *servers;
  dns.search = *search;
  dns.options = *options;
  return dns;
}

}  // namespace umla::agent

#include "common/net_config.h"

#include "common/strings.h"

namespace umla {

bool IsInterfaceName(std::string_view name) {
  if (name.empty() || name.size() > 15 || name == "." || name == "..") return false;
  for (char c : name) {
    bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '_' || c == '.' || c == '-';
    if (!plain) return false;
  }
  return true;
}

std::optional<NetRoute> ParseNetRoute(std::string_view text) {
  text = Trim(text);
  std::string_view destination = text;
  std::string_view gateway;
  size_t at = text.find('@');
  if (at != std::string_view::npos) {
    destination = text.substr(0, at);
    gateway = text.substr(at + 1);
  } else {
    auto words = SplitWhitespace(text);
    if (words.size() == 3 && words[1] == "via") {
      destination = words[0];
      gateway = words[2];
    } else if (words.size() != 1) {
      return std::nullopt;
    }
  }
  auto prefix = ParseIpv4Prefix(destination);
  if (!prefix || NetworkOf(*prefix) != prefix->address) return std::nullopt;
  NetRoute route{*prefix, std::nullopt};
  if (at != std::string_view::npos || !gateway.empty()) {
    auto via = ParseIpv4(gateway);
    if (!via) return std::nullopt;
    route.gateway = *via;
  }
  return route;
}

std::string FormatNetRoute(const NetRoute& route) {
  std::string text = FormatIpv4Prefix(route.destination);
  if (route.gateway) text += "@" + FormatIpv4(*route.gateway);
  return text;
}

std::string DescribeNetRoute(const NetRoute& route) {
  std::string text =
      route.destination.length == 0 ? "default" : FormatIpv4Prefix(route.destination);
  if (route.gateway) text += " via " + FormatIpv4(*route.gateway);
  return text;
}

std::string GatewayProblem(const Ipv4Prefix& address, Ipv4 gateway,
                           const std::vector<NetRoute>& routes) {
  std::string text = FormatIpv4(gateway);
  std::string subnet = FormatIpv4Prefix({NetworkOf(address), address.length});
  if (gateway == address.address) return text + " is the interface's own address";
  if (IsNetworkOrBroadcast(address, gateway)) {
    return text + " is the " + (gateway == NetworkOf(address) ? "network" : "broadcast") +
           " address of " + subnet;
  }
  if (InSubnet(address, gateway)) return "";
  for (const auto& route : routes) {
    if (!route.gateway && InSubnet(route.destination, gateway)) return "";
  }
  return text + " is outside " + FormatIpv4Prefix(address) + "'s subnet" +
         (routes.empty() ? "" : " and no on-link route reaches it");
}

std::string BroadcastProblem(const Ipv4Prefix& address, Ipv4 broadcast) {
  constexpr Ipv4 kLimitedBroadcast = 0xffffffffu;
  if (broadcast == 0 || broadcast == kLimitedBroadcast) return "";
  // A /31 or /32 has no broadcast address of its own (RFC 3021: on a /31 the other
  // address is the peer, which as a broadcast the kernel would no longer reach).
  bool has_one = DefaultBroadcastOf(address) != 0;
  if (has_one && InSubnet(address, broadcast) && broadcast != address.address) return "";
  std::string text = FormatIpv4(broadcast);
  std::string subnet = FormatIpv4Prefix({NetworkOf(address), address.length});
  std::string alternatives = "0.0.0.0 for none or 255.255.255.255";
  if (broadcast == address.address) text += " is the interface's own address";
  else if (!InSubnet(address, broadcast)) text += " is outside " + subnet;
  else text += " is the peer's address on " + subnet;
  if (!has_one) return text + ": expected " + alternatives;
  return text + ": expected another address of " + subnet + " (the usual one is " +
         FormatIpv4(BroadcastOf(address)) + "), " + alternatives;
}

std::string JoinComma(const std::vector<std::string>& items) {
  std::string joined;
  for (const auto& item : items) {
    if (!joined.empty()) joined += ',';
    joined += item;
  }
  return joined;
}

bool IsPlainListItem(std::string_view token) {
  if (token.empty()) return false;
  for (char c : token) {
    if (c <= ' ' || c >= 127 || c == ',' || c == '"' || c == '\'' || c == '\\') return false;
  }
  return true;
}

std::vector<std::pair<std::string, std::string>> NetConfigSettings(const GuestNetConfig& config) {
  std::vector<std::pair<std::string, std::string>> out;
  auto add = [&](const char* key, std::string value) {
    if (!value.empty()) out.emplace_back(key, std::move(value));
  };
  add(kNetAddressKey, FormatIpv4Prefix(config.address));
  if (config.broadcast) add(kNetBroadcastKey, FormatIpv4(config.broadcast));
  if (config.mtu) add(kNetMtuKey, std::to_string(config.mtu));
  if (config.gateway) add(kNetGatewayKey, FormatIpv4(*config.gateway));
  std::vector<std::string> routes;
  for (const auto& route : config.routes) routes.push_back(FormatNetRoute(route));
  add(kNetRoutesKey, JoinComma(routes));
  add(kDnsNameserversKey, JoinComma(config.dns.nameservers));
  add(kDnsSearchKey, JoinComma(config.dns.search));
  add(kDnsOptionsKey, JoinComma(config.dns.options));
  return out;
}

}  // namespace umla

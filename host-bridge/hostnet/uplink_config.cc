#include "host-bridge/hostnet/uplink_config.h"

#include <linux/rtnetlink.h>

#include <algorithm>

namespace umla::bridge {

UplinkConfig UplinkConfigOf(int index, const std::vector<netlink::AddressInfo>& addresses,
                            const std::vector<netlink::RouteInfo>& routes) {
  UplinkConfig config;
  for (const auto& address : addresses) {
    if (address.index == index) config.addresses.push_back({address.prefix, address.broadcast});
  }
  for (const auto& route : routes) {
    if (route.oif != index || route.table != RT_TABLE_MAIN || route.type != RTN_UNICAST ||
        route.protocol == RTPROT_KERNEL) {
      continue;
    }
    config.routes.push_back({route.route, {route.protocol, route.metric}});
  }
  std::stable_partition(config.routes.begin(), config.routes.end(),
                        [](const MovedRoute& moved) { return !moved.route.gateway; });
  return config;
}

std::string DescribeAddress(const MovedAddress& address) {
  std::string text = FormatIpv4Prefix(address.prefix);
  if (address.broadcast) text += " brd " + FormatIpv4(address.broadcast);
  return text;
}

std::string DescribeRoute(const MovedRoute& moved) {
  std::string text = DescribeNetRoute(moved.route);
  if (moved.origin.metric) text += " metric " + std::to_string(moved.origin.metric);
  return text;
}

nlohmann::ordered_json UplinkConfigToJson(const UplinkConfig& config) {
  nlohmann::ordered_json json = {{"addresses", nlohmann::ordered_json::array()},
                                 {"routes", nlohmann::ordered_json::array()}};
  for (const auto& address : config.addresses) {
    nlohmann::ordered_json entry = {{"address", FormatIpv4Prefix(address.prefix)}};
    if (address.broadcast) entry["broadcast"] = FormatIpv4(address.broadcast);
    json["addresses"].push_back(entry);
  }
  for (const auto& moved : config.routes) {
    json["routes"].push_back({{"route", FormatNetRoute(moved.route)},
                              {"protocol", moved.origin.protocol},
                              {"metric", moved.origin.metric}});
  }
  return json;
}

Result<UplinkConfig> UplinkConfigFromJson(const nlohmann::json& json, const std::string& source) {
  UplinkConfig config;
  // `refused`: the text of the entry a parser refused, so that a leading zero is named.
  auto bad = [&](const nlohmann::json& entry, const std::string& refused = "") {
    return Status::Error(source + ": not an uplink entry: " + entry.dump() +
                         LeadingZeroNote(refused));
  };
  if (!json.is_object()) return bad(json);
  for (const auto& entry : json.value("addresses", nlohmann::json::array())) {
    if (!entry.is_object() || !entry.contains("address") || !entry["address"].is_string() ||
        (entry.contains("broadcast") && !entry["broadcast"].is_string())) {
      return bad(entry);
    }
    std::string address = entry["address"].get<std::string>();
    auto prefix = ParseIpv4Prefix(address);
    if (!prefix) return bad(entry, address);
    std::optional<Ipv4> broadcast = Ipv4{0};  // none
    if (entry.contains("broadcast")) {
      std::string text = entry["broadcast"].get<std::string>();
      broadcast = ParseIpv4(text);
      if (!broadcast) return bad(entry, text);
    }
    config.addresses.push_back({*prefix, *broadcast});
  }
  for (const auto& entry : json.value("routes", nlohmann::json::array())) {
    if (!entry.is_object() || !entry.contains("route") || !entry["route"].is_string() ||
        !entry.value("protocol", nlohmann::json(0u)).is_number_unsigned() ||
        !entry.value("metric", nlohmann::json(0u)).is_number_unsigned()) {
      return bad(entry);
    }
    std::string route_text = entry["route"].get<std::string>();
    auto route = ParseNetRoute(route_text);
    if (!route) return bad(entry, route_text);
    uint64_t protocol = entry.value("protocol", uint64_t{4});
    uint64_t metric = entry.value("metric", uint64_t{0});
    if (protocol > 255 || metric > UINT32_MAX) return bad(entry);
    config.routes.push_back(
        {*route, {static_cast<uint8_t>(protocol), static_cast<uint32_t>(metric)}});
  }
  return config;
}

}  // namespace umla::bridge

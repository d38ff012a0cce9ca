#include "host-bridge/hostnet/net_setup_state.h"

#include <cstdint>

#include <nlohmann/json.hpp>

#include "common/net_config.h"
#include "common/strings.h"

namespace umla::bridge {

std::string NetSetupStateToJson(const NetSetupState& state) {
  nlohmann::ordered_json json = {{"bridge", state.bridge},
                                 {"tap", state.tap},
                                 {"created_bridge", state.created_bridge},
                                 {"created_tap", state.created_tap}};
  if (state.created_bridge && state.bridge_ifindex > 0) json["bridge_ifindex"] = state.bridge_ifindex;
  if (state.created_tap && state.tap_ifindex > 0) json["tap_ifindex"] = state.tap_ifindex;
  json["uplink"] = state.uplink;
  json["uplink_was_down"] = state.uplink_was_down;
  if (!state.moved.empty()) json["moved_from_uplink"] = UplinkConfigToJson(state.moved);
  return json.dump(2) + "\n";
}

Result<NetSetupState> NetSetupStateFromJson(std::string_view text, const std::string& source) {
  auto json = nlohmann::json::parse(text, nullptr, false);
  if (json.is_discarded() || !json.is_object() || !json.contains("bridge")) {
    return Status::Error(source + ": not a net-setup state file");
  }
  NetSetupState state;
  try {
    state.bridge = json.at("bridge").get<std::string>();
    state.tap = json.value("tap", "");
    state.created_bridge = json.value("created_bridge", false);
    state.created_tap = json.value("created_tap", false);
    state.uplink = json.value("uplink", "");
    state.uplink_was_down = json.value("uplink_was_down", false);
  } catch (const nlohmann::json::exception& error) {
    return Status::Error(source + ": " + error.what());
  }
  for (const auto& [key, ifindex] : {std::pair{"bridge_ifindex", &state.bridge_ifindex},
                                     std::pair{"tap_ifindex", &state.tap_ifindex}}) {
    if (!json.contains(key)) continue;  // a record from before indexes were kept
    const nlohmann::json& value = json[key];
    if (!value.is_number_unsigned() || value.get<uint64_t>() == 0 ||
        value.get<uint64_t>() > INT32_MAX) {
      return Status::Error(source + ": \"" + key + "\" is " + value.dump() +
                           ": expected an interface index (a positive integer)");
    }
    *ifindex = static_cast<int>(value.get<uint64_t>());
  }
  // The names reach paths and messages again: held to the rule net-setup's options are.
  for (const auto& [key, name] : {std::pair{"bridge", &state.bridge}, std::pair{"tap", &state.tap},
                                  std::pair{"uplink", &state.uplink}}) {
    if ((name->empty() && name != &state.bridge) || IsInterfaceName(*name)) continue;
    return Status::Error(source + ": \"" + key + "\" is \"" + SanitizeForTerminal(*name) +
                         "\": expected " + kInterfaceNameRule);
  }
  if (json.contains("moved_from_uplink")) {
    Result<UplinkConfig> moved = UplinkConfigFromJson(json["moved_from_uplink"], source);
    if (!moved.ok()) return moved.status();
    state.moved = *moved;
  }
  return state;
}

std::string NetSetupStateFileName(unsigned long netns_inode, const std::string& bridge) {
  return "net-setup." + std::to_string(netns_inode) + "." + bridge + ".json";
}

}  // namespace umla::bridge

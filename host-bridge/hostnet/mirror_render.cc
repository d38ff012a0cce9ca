#include "host-bridge/hostnet/mirror_render.h"

#include <nlohmann/json.hpp>

namespace umla::bridge {

std::vector<std::string> MirrorKernelArgs(const GuestNetConfig& config) {
  std::vector<std::string> args;
  for (const auto& [key, value] : NetConfigSettings(config)) {
    args.push_back("uml_agent." + key + "=" + value);
  }
  return args;
}

std::string MirrorJson(const MirrorPlan& plan, const std::string& iface) {
  const GuestNetConfig& config = plan.config;
  nlohmann::ordered_json routes = nlohmann::ordered_json::array();
  for (const auto& route : config.routes) {
    routes.push_back({{"destination", FormatIpv4Prefix(route.destination)},
                      {"gateway", route.gateway ? nlohmann::ordered_json(FormatIpv4(*route.gateway))
                                                : nlohmann::ordered_json(nullptr)}});
  }
  nlohmann::ordered_json json = {
      {"mirror", iface},
      {"address", FormatIpv4Prefix(config.address)},
      {"broadcast", config.broadcast ? nlohmann::ordered_json(FormatIpv4(config.broadcast))
                                     : nlohmann::ordered_json(nullptr)},
      {"mtu", config.mtu},
      {"gateway", config.gateway ? nlohmann::ordered_json(FormatIpv4(*config.gateway))
                                 : nlohmann::ordered_json(nullptr)},
      {"routes", routes},
      {"dns",
       {{"nameservers", config.dns.nameservers},
        {"search", config.dns.search},
        {"options", config.dns.options}}},
      {"warnings", plan.warnings},
  };
  return json.dump(2) + "\n";
}

std::optional<std::string> GuestNetDevice(const std::vector<std::string>& kernel_args) {
  for (const auto& arg : kernel_args) {
    size_t end = arg.find_first_of("=:");
    if (end == std::string::npos) continue;
    std::string name = arg.substr(0, end);
    bool eth = name.rfind("eth", 0) == 0 && arg[end] == '=';
    bool vec = name.rfind("vec", 0) == 0 && arg[end] == ':';
    std::string number = name.substr(3);
    if ((eth || vec) && !number.empty() && number.find_first_not_of("0123456789") == std::string::npos) {
      return name;
    }
  }
  return std::nullopt;
}

size_t CommandLineLength(const std::vector<std::string>& args) {
  size_t length = 0;
  for (const auto& arg : args) length += arg.size() + 1;
  return length;
}

}  // namespace umla::bridge

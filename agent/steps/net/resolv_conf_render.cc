#include "agent/steps/net/resolv_conf_render.h"

#include <vector>

#include "common/strings.h"

namespace umla::agent {

std::string RenderResolvConf(const ResolverConfig& dns) {
  std::string text = std::string(kAgentFileMarker) +
                     " (dns step) from its dns.* settings; replaced at each boot.\n";
  for (const auto& server : dns.nameservers) text += "nameserver " + server + "\n";
  auto line = [&](const char* keyword, const std::vector<std::string>& items) {
    if (items.empty()) return;
    text += keyword;
    for (const auto& item : items) text += " " + item;
    text += "\n";
  };
  line("search", dns.search);
  line("options", dns.options);
  return text;
}

bool IsResolverManagedTarget(std::string_view link_path, std::string_view target) {
  std::string joined(target);
  if (!StartsWith(target, "/")) {
    joined = std::string(link_path.substr(0, link_path.rfind('/') + 1)) + joined;
  }
  std::vector<std::string_view> parts;
  for (std::string_view part : Split(joined, '/')) {
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
    } else {
      parts.push_back(part);
    }
  }
  std::string path;
  for (std::string_view part : parts) path += "/" + std::string(part);
  if (StartsWith(path, "/var/run/")) path = path.substr(4);
  for (const char* dir : {"/run/systemd/resolve/", "/run/resolvconf/", "/run/NetworkManager/",
                          "/run/connman/"}) {
    if (StartsWith(path, dir)) return true;
  }
  return false;
}

}  // namespace umla::agent

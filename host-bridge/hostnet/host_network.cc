#include "host-bridge/hostnet/host_network.h"

#include <fstream>
#include <optional>
#include <sstream>

#include "host-bridge/hostnet/resolv_conf.h"

namespace umla::bridge {
namespace {

std::optional<std::string> ReadText(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

Result<HostNetwork> ReadHostNetwork() {
  netlink::Socket socket;
  Status opened = socket.Open();
  if (!opened.ok()) return opened;
  HostNetwork host;
  auto links = socket.Links();
  if (!links.ok()) return links.status();
  auto addresses = socket.Addresses();
  if (!addresses.ok()) return addresses.status();
  auto routes = socket.Routes();
  if (!routes.ok()) return routes.status();
  host.links = std::move(*links);
  host.addresses = std::move(*addresses);
  host.routes = std::move(*routes);
  return host;
}

ResolverConfig ReadHostResolver(std::vector<std::string>* notes) {
  auto etc = ReadText(kResolvConfPath);
  if (!etc) {
    notes->push_back(std::string("cannot read ") + kResolvConfPath + ": the guest gets no DNS settings");
    return {};
  }
  std::optional<ResolverConfig> upstream;
  if (auto text = ReadText(kResolvedUpstreamPath)) upstream = ParseResolvConf(*text);
  return ChooseResolver(ParseResolvConf(*etc), upstream, notes);
}

}  // namespace umla::bridge

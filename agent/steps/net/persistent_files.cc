#include "agent/steps/net/persistent_files.h"

#include <vector>

#include "agent/steps/net/resolv_conf_render.h"
#include "common/strings.h"

namespace umla::agent {
namespace {

std::string Marker() { return std::string(kAgentFileMarker) + " (net step)"; }

std::string Header() {
  return Marker() + " from its net.* and dns.* settings; replaced at each boot.\n";
}

std::string RouteLine(const NetRoute& route) {
  std::string text = FormatIpv4Prefix(route.destination);
  if (route.gateway) text += " via " + FormatIpv4(*route.gateway);
  return text;
}

std::string Joined(const std::vector<std::string>& items) {
  std::string text;
  for (const auto& item : items) text += (text.empty() ? "" : " ") + item;
  return text;
}

}  // namespace

std::string IfupdownPartName(const std::string& iface) {
  std::string name = kIfupdownPartPrefix + iface;
  for (char& c : name) {
    if (c == '.') c = '_';
  }
  return name;
}

bool IsNetStepFile(std::string_view content) { return StartsWith(content, Marker()); }

std::string RenderIfcfg(const std::string& iface, const GuestNetConfig& config) {
  std::string text = Header();
  text += "DEVICE=" + iface + "\nBOOTPROTO=none\nONBOOT=yes\nTYPE=Ethernet\n";
  text += "IPADDR=" + FormatIpv4(config.address.address) + "\n";
  text += "PREFIX=" + std::to_string(config.address.length) + "\n";
  text += "NETMASK=" + FormatIpv4(Netmask(config.address.length)) + "\n";
  if (config.broadcast) text += "BROADCAST=" + FormatIpv4(config.broadcast) + "\n";
  if (config.gateway) text += "GATEWAY=" + FormatIpv4(*config.gateway) + "\nDEFROUTE=yes\n";
  if (config.mtu) text += "MTU=" + std::to_string(config.mtu) + "\n";
  text += "PEERDNS=no\n";  // resolv.conf is the dns step's
  return text;
}

std::string RenderRedHatRoutes(const std::string& iface, const GuestNetConfig& config) {
  std::string text = Header();  // alone when there are no routes
  for (const auto& route : config.routes) text += RouteLine(route) + " dev " + iface + "\n";
  return text;
}

std::string RenderIfupdownStanza(const std::string& iface, const GuestNetConfig& config) {
  std::string text = Header();
  text += "auto " + iface + "\niface " + iface + " inet static\n";
  text += "    address " + FormatIpv4Prefix(config.address) + "\n";
  // The agent has already put the address on the interface at boot; without this,
  // `ifup -a` from the image's networking service fails with "File exists" and leaves
  // the interface marked down. Deleting the address also drops the routes through it,
  // which ifup then adds back.
  text += "    pre-up ip addr del " + FormatIpv4Prefix(config.address) + " dev " + iface +
          " 2>/dev/null || true\n";
  if (config.broadcast) text += "    broadcast " + FormatIpv4(config.broadcast) + "\n";
  if (config.gateway) text += "    gateway " + FormatIpv4(*config.gateway) + "\n";
  if (config.mtu) text += "    mtu " + std::to_string(config.mtu) + "\n";
  // Used by the resolvconf package, when /etc/resolv.conf is its symlink.
  if (!config.dns.nameservers.empty()) text += "    dns-nameservers " + Joined(config.dns.nameservers) + "\n";
  if (!config.dns.search.empty()) text += "    dns-search " + Joined(config.dns.search) + "\n";
  for (const auto& route : config.routes) {
    text += "    up ip route replace " + RouteLine(route) + " dev " + iface + "\n";
  }
  return text;
}

std::string RenderNetworkdUnit(const std::string& iface, const GuestNetConfig& config) {
  std::string text = Header();
  text += "[Match]\nName=" + iface + "\n";
  if (config.mtu) text += "\n[Link]\nMTUBytes=" + std::to_string(config.mtu) + "\n";
  text += "\n[Network]\n";
  if (config.gateway) text += "Gateway=" + FormatIpv4(*config.gateway) + "\n";
  // For systemd-resolved, when /etc/resolv.conf is its stub.
  for (const auto& server : config.dns.nameservers) text += "DNS=" + server + "\n";
  if (!config.dns.search.empty()) text += "Domains=" + Joined(config.dns.search) + "\n";
  text += "\n[Address]\nAddress=" + FormatIpv4Prefix(config.address) + "\n";
  if (config.broadcast) text += "Broadcast=" + FormatIpv4(config.broadcast) + "\n";
  for (const auto& route : config.routes) {
    text += "\n[Route]\nDestination=" + FormatIpv4Prefix(route.destination) + "\n";
    if (route.gateway) text += "Gateway=" + FormatIpv4(*route.gateway) + "\n";
    else text += "Scope=link\n";
  }
  return text;
}

}  // namespace umla::agent

// The distribution's own network configuration for the interface, so that its
// scripts bring the interface up the same way instead of undoing the agent's work.
// Renderers are pure; each file starts with the agent's marker.
#pragma once

#include <string>
#include <string_view>

#include "common/net_config.h"

namespace umla::agent {

// Which kinds of network configuration the guest image uses (from what exists).
struct NetworkLayout {
  bool redhat = false;    // /etc/sysconfig/network-scripts exists
  bool ifupdown = false;  // /etc/network exists
  bool networkd = false;  // systemd-networkd is installed
};

inline constexpr const char* kRedHatDir = "/etc/sysconfig/network-scripts";
inline constexpr const char* kIfupdownDir = "/etc/network";
inline constexpr const char* kIfupdownInterfaces = "/etc/network/interfaces";
inline constexpr const char* kIfupdownPartsDir = "/etc/network/interfaces.d";
inline constexpr const char* kNetworkdDir = "/etc/systemd/network";
inline constexpr const char* kNetworkdBinaries[] = {"/lib/systemd/systemd-networkd",
                                                   "/usr/lib/systemd/systemd-networkd"};

// How the agent names its files: ifcfg-IFACE and route-IFACE (Red Hat's own names),
// interfaces.d/IfupdownPartName(IFACE), 10-uml-agent-IFACE.network.
inline constexpr const char* kIfcfgPrefix = "ifcfg-";
inline constexpr const char* kRedHatRoutePrefix = "route-";
inline constexpr const char* kIfupdownPartPrefix = "uml-agent-";
inline constexpr const char* kNetworkdUnitPrefix = "10-uml-agent-";
// "uml-agent-IFACE" with each '.' of IFACE as '_' (eth0.100: uml-agent-eth0_100):
// ifupdown's source-directory, like run-parts, skips names with anything but letters,
// digits, '_' and '-'. An interface named eth0_100 shares the name, which is harmless:
// the agent configures one interface, and the file's content names it.
std::string IfupdownPartName(const std::string& iface);

// Whether `content` is a file the net step wrote: it starts with the step's marker.
bool IsNetStepFile(std::string_view content);

// ifcfg-IFACE: static, on boot, with gateway and MTU.
std::string RenderIfcfg(const std::string& iface, const GuestNetConfig& config);
// route-IFACE ("DEST/LEN via GW dev IFACE" lines); empty when there are no routes.
std::string RenderRedHatRoutes(const std::string& iface, const GuestNetConfig& config);
// The interfaces.d file: "auto IFACE" and a static stanza, with dns-* lines for the
// resolvconf package.
std::string RenderIfupdownStanza(const std::string& iface, const GuestNetConfig& config);
// 10-uml-agent-IFACE.network for systemd-networkd, with DNS= for systemd-resolved.
std::string RenderNetworkdUnit(const std::string& iface, const GuestNetConfig& config);

}  // namespace umla::agent

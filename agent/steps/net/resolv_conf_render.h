// /etc/resolv.conf as the dns step writes it, and whether an existing symlink hands
// the file to a resolver daemon (then the agent leaves it alone). Pure.
#pragma once

#include <string>
#include <string_view>

#include "common/net_config.h"

namespace umla::agent {

inline constexpr const char* kResolvConfPath = "/etc/resolv.conf";
inline constexpr const char* kAgentFileMarker = "# Written by uml-agent";

// Marker comment, then nameserver lines, one search line, one options line.
std::string RenderResolvConf(const ResolverConfig& dns);

// Whether symlink target `target` of `link_path` (relative targets resolve against
// its directory) lies in a resolver daemon's runtime directory: systemd-resolved,
// resolvconf, NetworkManager, connman (under /run or /var/run).
bool IsResolverManagedTarget(std::string_view link_path, std::string_view target);

}  // namespace umla::agent

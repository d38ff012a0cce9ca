// resolv.conf as the host has it: a pure parser, and the choice between the stub file
// of systemd-resolved and its list of upstream servers.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/net_config.h"

namespace umla::bridge {

inline constexpr const char* kResolvConfPath = "/etc/resolv.conf";
inline constexpr const char* kResolvedUpstreamPath = "/run/systemd/resolve/resolv.conf";
inline constexpr const char* kResolvedStubAddress = "127.0.0.53";

// nameserver/search/domain/options lines; comments (# ;) and unknown keywords are
// ignored, as the C library does. A later search or domain line replaces an earlier
// one; nameservers and options accumulate. Nameservers are kept as written (IPv6 too).
ResolverConfig ParseResolvConf(std::string_view text);

// What the guest should use: `etc` itself, or `upstream` (the servers behind
// systemd-resolved) when `etc` points at the resolved stub. Says why in `notes`.
ResolverConfig ChooseResolver(const ResolverConfig& etc, const std::optional<ResolverConfig>& upstream,
                              std::vector<std::string>* notes);

}  // namespace umla::bridge

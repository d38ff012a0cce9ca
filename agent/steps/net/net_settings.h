// The net.* and dns.* settings, read and validated. Every error names the key, its
// value and where it came from, so a bad value fails only the step that reads it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agent/core/settings.h"
#include "common/net_config.h"
#include "common/status.h"

namespace umla::agent {

struct NetSettings {
  std::string iface = kDefaultGuestIface;
  GuestNetConfig config;   // dns left empty: the dns step reads that
  bool persist = true;     // also write the distribution's interface files
  std::vector<std::string> notes;  // routes left out as redundant, each naming the key
};

// nullopt when no net.* key is set (then the net step has nothing to do). Addresses with
// a leading zero, and a gateway or route the kernel would refuse (CheckRoutes), are
// errors naming the key and its value.
Result<std::optional<NetSettings>> ReadNetSettings(const Settings& settings);
// The dns.* keys; all empty when none is set.
Result<ResolverConfig> ReadDnsSettings(const Settings& settings);

std::vector<std::string_view> NetKeys();
std::vector<std::string_view> DnsKeys();

}  // namespace umla::agent

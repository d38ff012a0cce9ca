#include "host-bridge/hostnet/resolv_conf.h"

#include <algorithm>

#include "common/strings.h"

namespace umla::bridge {

ResolverConfig ParseResolvConf(std::string_view text) {
  ResolverConfig config;
  for (std::string_view line : Split(text, '\n')) {
    line = line.substr(0, line.find_first_of("#;"));
    auto words = SplitWhitespace(line);
    if (words.empty()) continue;
    std::string_view keyword = words[0];
    std::vector<std::string> values(words.begin() + 1, words.end());
    if (keyword == "nameserver" && values.size() >= 1) {
      config.nameservers.push_back(values[0]);
    } else if (keyword == "search" || keyword == "domain") {
      config.search = values;
    } else if (keyword == "options") {
      config.options.insert(config.options.end(), values.begin(), values.end());
    }
  }
  return config;
}

ResolverConfig ChooseResolver(const ResolverConfig& etc, const std::optional<ResolverConfig>& upstream,
                              std::vector<std::string>* notes) {
  const auto& servers = etc.nameservers;
  bool stub = std::find(servers.begin(), servers.end(), kResolvedStubAddress) != servers.end();
  if (!stub) return etc;
  if (!upstream) {
    notes->push_back(std::string(kResolvConfPath) + " points at the systemd-resolved stub " +
                     kResolvedStubAddress + " but " + kResolvedUpstreamPath +
                     " is unreadable: the guest cannot reach the stub");
    return etc;
  }
  notes->push_back(std::string(kResolvConfPath) + " is the systemd-resolved stub; using the "
                   "upstream servers from " + kResolvedUpstreamPath);
  return *upstream;
}

}  // namespace umla::bridge

#include "agent/core/init_choice.h"

#include <algorithm>

namespace umla::agent {

WrapperKeys ParseWrapperKeys(const Settings& settings, std::vector<std::string>* problems) {
  WrapperKeys keys;
  Result<std::string> init = settings.Path("init.exec", kDefaultInit);
  if (init.ok()) keys.init = *init;
  else problems->push_back(init.status().message());
  Result<uint64_t> timeout = settings.Unsigned("init.timeout_ms", keys.timeout_ms, 1, 3600000);
  if (timeout.ok()) keys.timeout_ms = *timeout;
  else problems->push_back(timeout.status().message());
  Result<bool> late = settings.Bool("ready.late", keys.ready_late);
  if (late.ok()) keys.ready_late = *late;
  else problems->push_back(late.status().message());
  Result<uint64_t> budget = settings.Unsigned("channel.timeout_ms", keys.channel_timeout_ms, 600000);
  if (budget.ok()) keys.channel_timeout_ms = *budget;
  else problems->push_back(budget.status().message());
  return keys;
}

std::vector<std::string> InitCandidates(const std::string& configured,
                                        const std::function<bool(const std::string&)>& is_wrapper) {
  std::vector<std::string> candidates;
  for (const std::string& path : {configured, std::string(kDefaultInit), std::string("/etc/init"),
                                  std::string("/bin/init"), std::string("/bin/sh")}) {
    if (path.empty() || is_wrapper(path)) continue;
    if (std::find(candidates.begin(), candidates.end(), path) == candidates.end()) {
      candidates.push_back(path);
    }
  }
  return candidates;
}

std::string ChooseInit(const std::vector<std::string>& candidates,
                       const std::function<bool(const std::string&)>& is_executable) {
  for (const std::string& path : candidates) {
    if (is_executable(path)) return path;
  }
  return "";
}

}  // namespace umla::agent

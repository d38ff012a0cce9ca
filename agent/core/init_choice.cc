#include "agent/core/init_choice.h"

#include <algorithm>

namespace umla::agent {

std::vector<std::string> InitCandidates(const std::string& configured,
                                        const std::string& wrapper_path) {
  std::vector<std::string> candidates;
  for (const std::string& path : {configured, std::string(kDefaultInit), std::string("/etc/init"),
                                  std::string("/bin/init"), std::string("/bin/sh")}) {
    if (path.empty() || path == wrapper_path) continue;
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

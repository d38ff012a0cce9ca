#include "host-bridge/guest/kernel_args.h"

#include <algorithm>

namespace umla::bridge {

std::vector<std::string> BuildKernelArgs(const std::vector<std::string>& user_args,
                                         const Wiring& wiring) {
  auto init_args = std::find(user_args.begin(), user_args.end(), "--");
  std::vector<std::string> args(user_args.begin(), init_args);
  std::string fd = "fd:" + std::to_string(wiring.agent_fd);
  args.push_back("con" + std::to_string(wiring.agent_line) + "=" + fd + "," + fd);
  if (wiring.agent_line != 7) {
    args.push_back("uml_agent.channel=/dev/tty" + std::to_string(wiring.agent_line));
  }
  if (!FindKernelArg(user_args, "umid") && !wiring.umid.empty()) {
    args.push_back("umid=" + wiring.umid);
  }
  if (!wiring.notify_socket.empty()) args.push_back("mconsole=notify:" + wiring.notify_socket);
  args.insert(args.end(), wiring.extra.begin(), wiring.extra.end());
  args.insert(args.end(), init_args, user_args.end());
  return args;
}

std::optional<std::string> FindKernelArg(const std::vector<std::string>& args,
                                         const std::string& key) {
  std::optional<std::string> found;
  std::string prefix = key + "=";
  for (const auto& arg : args) {
    if (arg == "--") break;
    if (arg.compare(0, prefix.size(), prefix) == 0) found = arg.substr(prefix.size());
  }
  return found;
}

}  // namespace umla::bridge

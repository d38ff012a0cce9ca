// Builds the UML kernel's argument list: the user's arguments plus what the bridge
// wires (the agent's console line, the mconsole notify socket, a umid). Pure.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace umla::bridge {

struct Wiring {
  int agent_line = 7;      // guest /dev/ttyN the agent writes to (conN=...)
  int agent_fd = 3;        // host fd the line is wired to in the kernel process
  std::string umid;        // added unless the user gave umid=
  std::string notify_socket;
  std::vector<std::string> extra;  // e.g. uml_agent.* keys, arguments an image asks for
};

// Our arguments go after the user's (a later conN= overrides an earlier con=) but
// before a bare "--", which starts the init's own arguments.
std::vector<std::string> BuildKernelArgs(const std::vector<std::string>& user_args,
                                         const Wiring& wiring);

// The value of KEY=... among kernel arguments (last one wins, as in the kernel).
std::optional<std::string> FindKernelArg(const std::vector<std::string>& args,
                                         const std::string& key);

}  // namespace umla::bridge

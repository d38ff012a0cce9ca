// The guest's network config as `netconf` prints it (JSON, or kernel arguments) and
// as `run --mirror` passes it (uml_agent.* kernel arguments). Pure.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "host-bridge/hostnet/mirror_plan.h"

namespace umla::bridge {

// UML's COMMAND_LINE_SIZE: a longer command line makes the kernel exit at once
// ("add_arg: Too many command line arguments!"), checked on the Debian 6.1 kernel.
inline constexpr size_t kUmlCommandLineSize = 4096;

// uml_agent.KEY=VALUE arguments; no value holds a space, so none needs quoting.
std::vector<std::string> MirrorKernelArgs(const GuestNetConfig& config);

// One JSON object (pretty-printed, newline-terminated) with the config and warnings.
std::string MirrorJson(const MirrorPlan& plan, const std::string& iface);

// The guest interface the kernel arguments create first: "eth0" for eth0=..., "vec0"
// for vec0:... (UML's vector driver); nullopt when there is none.
std::optional<std::string> GuestNetDevice(const std::vector<std::string>& kernel_args);

// Length of the command line the kernel assembles from `args` (joined by spaces).
size_t CommandLineLength(const std::vector<std::string>& args);

}  // namespace umla::bridge

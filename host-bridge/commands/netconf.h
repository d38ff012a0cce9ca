// `uml-bridge netconf`: print the network config a guest on IFACE's subnet should
// have, as worked out from this host; and the same for `run --mirror`.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"

namespace umla::bridge {

struct NetconfOptions {
  std::string mirror;    // host interface, e.g. br0
  std::string guest_ip;  // ADDR/PREFIX
  std::string format = "json";  // json | cmdline
};

// Prints the config on stdout, warnings on stderr. Exit 0, or 2 on any error.
int RunNetconf(const NetconfOptions& options);

// The uml_agent.net.* / dns.* kernel arguments for `run --mirror`, plus net.iface
// when `kernel_args` give the guest vecN instead of eth0; warnings go to `warnings`.
// Fails with the same messages as netconf.
Result<std::vector<std::string>> MirrorArguments(const std::string& mirror,
                                                 const std::string& guest_ip,
                                                 const std::vector<std::string>& kernel_args,
                                                 std::vector<std::string>* warnings);

}  // namespace umla::bridge

#include "host-bridge/commands/netconf.h"

#include <iostream>

#include "host-bridge/hostnet/host_network.h"
#include "host-bridge/hostnet/mirror_plan.h"
#include "host-bridge/hostnet/mirror_render.h"
#include "host-bridge/watch/exit_codes.h"

namespace umla::bridge {
namespace {

Result<MirrorPlan> PlanFromHost(const std::string& mirror, const std::string& guest_ip) {
  auto guest = ParseIpv4Prefix(guest_ip);
  if (!guest) {
    return Status::Error("--guest-ip " + guest_ip + ": expected ADDR/PREFIX, e.g. 192.0.2.2/24" +
                         LeadingZeroNote(guest_ip));
  }
  auto host = ReadHostNetwork();
  if (!host.ok()) return host.status();
  std::vector<std::string> notes;
  ResolverConfig resolver = ReadHostResolver(&notes);
  auto plan = PlanMirror(*host, resolver, MirrorRequest{mirror, *guest});
  if (!plan.ok()) return plan.status();
  plan->warnings.insert(plan->warnings.begin(), notes.begin(), notes.end());
  return plan;
}

}  // namespace

int RunNetconf(const NetconfOptions& options) {
  if (options.format != "json" && options.format != "cmdline") {
    std::cerr << "uml-bridge netconf: --format must be json or cmdline\n";
    return kExitUsage;
  }
  auto plan = PlanFromHost(options.mirror, options.guest_ip);
  if (!plan.ok()) {
    std::cerr << "uml-bridge netconf: " << plan.status().message() << "\n";
    return kExitUsage;
  }
  for (const auto& warning : plan->warnings) std::cerr << "uml-bridge netconf: warning: " << warning << "\n";
  if (options.format == "json") {
    std::cout << MirrorJson(*plan, options.mirror);
    return kExitReady;
  }
  std::string line;
  for (const auto& arg : MirrorKernelArgs(plan->config)) line += (line.empty() ? "" : " ") + arg;
  std::cout << line << "\n";
  return kExitReady;
}

Result<std::vector<std::string>> MirrorArguments(const std::string& mirror,
                                                 const std::string& guest_ip,
                                                 const std::vector<std::string>& kernel_args,
                                                 std::vector<std::string>* warnings) {
  auto plan = PlanFromHost(mirror, guest_ip);
  if (!plan.ok()) return plan.status();
  warnings->insert(warnings->end(), plan->warnings.begin(), plan->warnings.end());
  std::vector<std::string> args = MirrorKernelArgs(plan->config);
  auto device = GuestNetDevice(kernel_args);
  if (!device) warnings->push_back("no eth0= or vec0: among the kernel arguments: the guest has no network card");
  if (device && *device != kDefaultGuestIface) {
    args.push_back(std::string("uml_agent.") + kNetIfaceKey + "=" + *device);
  }
  return args;
}

}  // namespace umla::bridge

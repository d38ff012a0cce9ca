// The changes that take one interface from its snapshot to the wanted config. Pure.
// Applying the plan and planning again gives an empty plan; the step re-run replaces
// addresses and routes instead of adding duplicates.
#pragma once

#include <string>
#include <vector>

#include "agent/system/network_control.h"
#include "common/net_config.h"

namespace umla::agent {

// In the order to apply: link up and MTU, stale routes and addresses out, the address
// in, then routes (on-link before those through a gateway, the default route last).
// Routes the kernel adds with an address (the subnet route) are not planned when the
// address is being added.
std::vector<NetAction> PlanInterface(const GuestNetConfig& wanted, const InterfaceSnapshot& now);

// One +/- line per action, e.g. "+ route default via 192.0.2.254 dev eth0".
std::string DescribeNetAction(const NetAction& action, const std::string& iface);

}  // namespace umla::agent

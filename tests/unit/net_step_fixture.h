// The net and dns steps run on the fakes, in a guest image with every network layout
// the agent knows (Red Hat, ifupdown with the golden interfaces file, networkd) and
// an eth0 that is up with nothing configured.
#pragma once

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "agent/core/step.h"
#include "agent/system/seams.h"
#include "tests/unit/golden.h"
#include "tests/unit/net_fakes.h"

namespace umla::agent {

inline constexpr const char* kNetCmdline =
    "root=/dev/ubda uml_agent.net.address=192.0.2.2/24 uml_agent.net.broadcast=192.0.2.255 "
    "uml_agent.net.mtu=1500 uml_agent.net.gateway=192.0.2.254 "
    "uml_agent.net.routes=203.0.113.0/24@192.0.2.9 "
    "uml_agent.dns.nameservers=198.51.100.53,198.51.100.54 "
    "uml_agent.dns.search=example.test,lab.example.test uml_agent.dns.options=ndots:2";

class NetStepFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    files.dirs = {"/etc", "/etc/network", "/etc/sysconfig/network-scripts", "/etc/systemd/network",
                  "/lib/systemd"};
    files.files["/lib/systemd/systemd-networkd"] = "";
    files.files["/etc/network/interfaces"] = umla::testing::ReadGolden("net/interfaces.in");
    network.interfaces["eth0"] = {true, false, 1500, {}, {}};
    system.files = &files;
    system.network = &network;
  }
  StepOutcome Run(Step& step, const std::string& cmdline, bool dry_run = false) {
    Settings settings;
    std::vector<std::string> warnings;
    settings.LoadKernelCmdline(cmdline, &warnings);
    StepContext context{settings, &system, dry_run, &plan};
    return step.Run(context);
  }
  FakeFileSystem files;
  FakeNetworkControl network;
  SystemSeams system;
  std::string plan;
};

}  // namespace umla::agent

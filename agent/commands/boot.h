// `uml-agent boot`: load settings, run the boot steps, report over the console line,
// keep the report under /run. Never fails the boot: the exit code only says whether
// every step was ok (0) or some failed (1).
#pragma once

#include <string>
#include <vector>

namespace umla::agent {

struct BootOptions {
  std::string root = "/";
  std::string channel;  // empty: from settings, default /dev/tty7
  std::string config_path = "/etc/uml-agent/config.json";
  std::string cmdline_path = "/proc/cmdline";
  std::vector<std::string> only_steps;  // empty: all
  std::vector<std::string> settings;    // KEY=VALUE from --set, highest precedence
  std::string mode = "boot";
  bool dry_run = false;
};

int RunBoot(const BootOptions& options);

// `uml-agent status`: prints the last run's report; 1 when there is none.
int RunStatus(const std::string& root, bool json);

inline constexpr const char* kReportPath = "/run/uml-agent/last-run.json";

}  // namespace umla::agent

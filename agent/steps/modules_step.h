// The `modules` step: a guest can only load modules built for the UML kernel it runs.
// When /lib/modules/$(uname -r) has no modules.dep and the kernel knows hostfs, the
// host's tree for this kernel (Debian's user-mode-linux ships it under
// /usr/lib/uml/modules/VERSION) is mounted there read-only, so modprobe works.
// Settings: modules.enable (default yes), modules.host_dir (default /usr/lib/uml/modules).
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "agent/core/step.h"

namespace umla::agent {

class ModuleMounts;

struct ModulesSnapshot {
  std::string release;        // uname -r
  bool tree_present = false;  // /lib/modules/RELEASE/modules.dep exists
  bool hostfs_known = false;  // "hostfs" in /proc/filesystems
  bool already_mounted = false;
};

struct ModulesPlan {
  std::string host_dir;  // e.g. /usr/lib/uml/modules/6.1.176 (a host path)
  std::string target;    // e.g. /lib/modules/6.1.176 (a guest path)
};

// Pure: the mount to make, or nothing (with the reason in `why_not`).
std::optional<ModulesPlan> PlanModules(const ModulesSnapshot& snapshot,
                                       const std::string& host_modules_dir, std::string* why_not);

// `mounts` is the step's own seam; null means the real guest under "/".
std::unique_ptr<Step> MakeModulesStep(ModuleMounts* mounts = nullptr);

}  // namespace umla::agent

// The `modules` step: a guest can only load modules built for the UML kernel it runs.
// When /lib/modules/$(uname -r) has no modules.dep, the host's tree for this kernel
// (Debian's user-mode-linux ships it under /usr/lib/uml/modules/VERSION) is mounted
// there read-only over hostfs, so modprobe works; a kernel without hostfs makes the
// step skip (after making the directory, which is then left empty).
// Settings: modules.enable (default yes), modules.host_dir (default /usr/lib/uml/modules).
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "agent/core/step.h"

namespace umla::agent {

struct ModulesSnapshot {
  std::string release;        // uname -r
  bool tree_present = false;  // /lib/modules/RELEASE/modules.dep exists
  bool already_mounted = false;
};

struct ModulesPlan {
  std::string host_dir;  // e.g. /usr/lib/uml/modules/6.1.176 (a host path)
  std::string target;    // e.g. /lib/modules/6.1.176 (a guest path)
};

// Pure: the mount to make, or nothing (with the reason in `why_not`).
std::optional<ModulesPlan> PlanModules(const ModulesSnapshot& snapshot,
                                       const std::string& host_modules_dir, std::string* why_not);

// Mounts through SystemSeams::modules; skips where that is null (--root).
std::unique_ptr<Step> MakeModulesStep();

}  // namespace umla::agent

// The `fstab` step: fixes swap entries, adds swap and hostfs entries and creates the
// hostfs mount point (see agent/core/fstab_plan.h); /etc/fstab is replaced atomically
// with a backup. Settings: fstab, fstab.swap, hostfs, hostfs.mountpoint, hostfs.hostdir.
#pragma once

#include <memory>

#include "agent/core/step.h"

namespace umla::agent {

inline constexpr const char* kFstabPath = "/etc/fstab";

std::unique_ptr<Step> MakeFstabStep();

}  // namespace umla::agent

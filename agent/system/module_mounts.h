// The one OS resource the modules step needs beyond files and the mount table:
// mounting the host's module tree over hostfs, read-only. LinuxMounts (mounts.h)
// implements it, so the mount table it keeps for a run sees this mount too.
#pragma once

#include <string>

#include "common/status.h"

namespace umla::agent {

enum class HostfsMount {
  kMounted,
  kNoHostfs,   // the kernel has no hostfs: nothing mounted
  kNoHostDir,  // the host has no HOST_DIR (ENOENT with TARGET there): nothing mounted
};

class ModuleMounts {
 public:
  virtual ~ModuleMounts() = default;
  // mount -t hostfs none TARGET -o HOST_DIR, read-only, making TARGET (mkdir -p) when
  // it is missing; other failures name both paths. Asking the mount first costs a
  // later boot, where TARGET exists, one syscall, and no read of /proc/filesystems.
  virtual Result<HostfsMount> MountHostfsReadOnly(const std::string& host_dir,
                                                  const std::string& target) = 0;
};

}  // namespace umla::agent

// The one OS resource the modules step needs beyond files: mounting the host's
// module tree over hostfs, read-only. (Named apart from the storage steps' Mounts
// seam so the two can be merged later.)
#pragma once

#include <set>
#include <string>

#include "agent/system/guest_root.h"
#include "common/status.h"

namespace umla::agent {

class ModuleMounts {
 public:
  virtual ~ModuleMounts() = default;
  // Mount points in use (/proc/self/mounts, second field).
  virtual std::set<std::string> MountPoints() = 0;
  // mount -t hostfs none TARGET -o HOST_DIR, read-only, making TARGET (mkdir -p) when
  // it is missing: true once mounted, false when the kernel has no hostfs (nothing
  // mounted); other failures name both paths. Asking the mount first costs a later
  // boot, where TARGET exists, one syscall, and no read of /proc/filesystems.
  virtual Result<bool> MountHostfsReadOnly(const std::string& host_dir,
                                           const std::string& target) = 0;
};

// The real guest, paths resolved under `root` ("/" in a guest).
class LinuxModuleMounts : public ModuleMounts {
 public:
  explicit LinuxModuleMounts(std::string root) : root_(std::move(root)) {}
  std::set<std::string> MountPoints() override;
  Result<bool> MountHostfsReadOnly(const std::string& host_dir,
                                   const std::string& target) override;

 private:
  GuestRoot root_;
};

}  // namespace umla::agent

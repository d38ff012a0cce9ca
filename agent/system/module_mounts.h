// The one OS resource the modules step needs beyond files: mounting the host's
// module tree over hostfs, read-only. (Named apart from the storage engineers' Mounts
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
  // Filesystem types the kernel knows (/proc/filesystems), e.g. "hostfs".
  virtual std::set<std::string> KernelFilesystems() = 0;
  // Mount points in use (/proc/self/mounts, second field).
  virtual std::set<std::string> MountPoints() = 0;
  // mkdir -p of a guest path; ok when it exists already.
  virtual Status MakeDirectories(const std::string& path) = 0;
  // mount -t hostfs none TARGET -o HOST_DIR, read-only; fails naming both paths.
  virtual Status MountHostfsReadOnly(const std::string& host_dir, const std::string& target) = 0;
};

// The real guest, paths resolved under `root` ("/" in a guest).
class LinuxModuleMounts : public ModuleMounts {
 public:
  explicit LinuxModuleMounts(std::string root) : root_(std::move(root)) {}
  std::set<std::string> KernelFilesystems() override;
  std::set<std::string> MountPoints() override;
  Status MakeDirectories(const std::string& path) override;
  Status MountHostfsReadOnly(const std::string& host_dir, const std::string& target) override;

 private:
  GuestRoot root_;
};

}  // namespace umla::agent

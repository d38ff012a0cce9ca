// Mounts and swap, as the activate and fstab steps see them. Every path is a guest
// path resolved under the root tree (--root), /proc included. Pure interface; the
// Linux implementation uses swapon(2) and mount(2) directly (never a helper program).
#pragma once

#include <string>

#include "agent/core/mount_request.h"
#include "agent/system/guest_root.h"
#include "common/status.h"

namespace umla::agent {

class Mounts {
 public:
  virtual ~Mounts() = default;
  // The text of /proc/swaps and /proc/mounts; empty when the root tree has no such
  // file (a tree that is not a running system); an error naming it otherwise.
  virtual Result<std::string> ReadSwaps() = 0;
  virtual Result<std::string> ReadMounts() = 0;
  // Turns swap on on a device node; the error names the device and errno text.
  virtual Status Swapon(const std::string& device) = 0;
  virtual Status Mount(const MountRequest& request) = 0;
  // mkdir -p with mode 0755; ok when the directory exists.
  virtual Status MakeMountPoint(const std::string& path) = 0;
};

class LinuxMounts : public Mounts {
 public:
  explicit LinuxMounts(std::string root) : root_(std::move(root)) {}
  Result<std::string> ReadSwaps() override;
  Result<std::string> ReadMounts() override;
  Status Swapon(const std::string& device) override;
  Status Mount(const MountRequest& request) override;
  Status MakeMountPoint(const std::string& path) override;

 private:
  Result<std::string> ReadProcFile(const std::string& path);
  GuestRoot root_;
};

}  // namespace umla::agent

// Mounts and swap, as the activate and fstab steps see them. Every path is a guest
// path resolved under the root tree (--root), /proc included. Pure interface; the
// Linux implementation uses swapon(2) and mount(2) directly (never a helper program).
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "agent/core/mount_request.h"
#include "agent/core/proc_tables.h"
#include "agent/system/guest_root.h"
#include "agent/system/module_mounts.h"
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
  virtual Status Swapon(const SwapRequest& request) = 0;
  virtual Status Mount(const MountRequest& request) = 0;
  // mkdir -p with mode 0755; ok when the directory exists.
  virtual Status MakeMountPoint(const std::string& path) = 0;
};

class LinuxMounts : public Mounts, public ModuleMounts {
 public:
  explicit LinuxMounts(std::string root) : root_(std::move(root)) {}
  Result<std::string> ReadSwaps() override;
  Result<std::string> ReadMounts() override;
  Status Swapon(const SwapRequest& request) override;
  Status Mount(const MountRequest& request) override;
  Status MakeMountPoint(const std::string& path) override;
  Result<HostfsMount> MountHostfsReadOnly(const std::string& host_dir,
                                   const std::string& target) override;

  // While on, the mount table is read once (or taken from `known`, a table read a
  // moment ago with nothing mounted since) and kept, each mount made through this
  // object added to it: the activate and modules steps read it after the early
  // mounts did, ~4 syscalls a read inside UML. Only for the steps of one run, which
  // mount alone (docs/boot-integration.md); turning it off forgets the table.
  void RememberTable(bool on, std::optional<std::string> known = std::nullopt);
  // Called after each mount made through this object.
  void AfterEachMount(std::function<void()> hook) { after_mount_ = std::move(hook); }

 private:
  Result<std::string> ReadProcFile(const std::string& path);
  void Added(const MountEntry& entry);
  GuestRoot root_;
  bool remembering_ = false;
  std::optional<std::string> table_;  // kept while remembering, once read
  std::function<void()> after_mount_;
};

// `path` as the root filesystem itself holds it, below whatever was mounted over its
// directories since (a busybox sysinit line mounting a tmpfs on /run after the
// fixups wrote their state there); nullopt when it has no such file. Only for the
// running system (root "/"); needs open_tree(2) (Linux 5.2) and CAP_SYS_ADMIN.
Result<std::optional<std::string>> ReadBelowMounts(const std::string& path);

}  // namespace umla::agent

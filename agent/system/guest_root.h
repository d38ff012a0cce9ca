// Guest paths ("/dev/ubdb") resolved under the root tree the agent acts on (--root),
// shared by the storage seams' Linux implementations.
#pragma once

#include <string>

#include "common/status.h"

namespace umla::agent {

class GuestRoot {
 public:
  explicit GuestRoot(std::string root);
  // `path` (absolute, as seen in the guest) as a path on this machine: under a tree
  // (--root) its directories resolved inside the tree, symlinks included.
  std::string HostPath(const std::string& path) const;
  // The same with a last component that is a symlink followed too (inside the tree):
  // what a read or stat of `path` reaches.
  std::string FollowPath(const std::string& path) const;
  // The root is this machine's own "/": the kernel's state (sysinfo, the tables in
  // /proc) is the tree's.
  bool IsRunningSystem() const { return root_.empty() || root_ == "/"; }
  // mkdir -p of a guest path with `mode` for the directories it creates; ok when
  // the directory already exists, an error naming the path otherwise.
  Status MakeDirectories(const std::string& path, unsigned mode) const;

 private:
  static constexpr int kMaxLinks = 40;  // as the kernel's MAXSYMLINKS
  static constexpr const char* kRefusedPath = "/dev/null/more than 40 symlinks in the tree:";
  std::string ResolveInRoot(const std::string& path, bool follow_last) const;
  std::string root_;
};

}  // namespace umla::agent

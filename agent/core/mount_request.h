// A mount to make, as planned by the activate step and made by the Mounts seam.
#pragma once

#include <string>

namespace umla::agent {

struct MountRequest {
  std::string source;  // "none" for hostfs
  std::string target;  // guest path of the mount point
  std::string type;    // "hostfs"
  bool read_only = false;
  std::string data;  // file-system options, e.g. the host directory for hostfs
};

// A swap area to turn on, with what its fstab options ask of swapon(2) (as swapon -a
// reads them).
struct SwapRequest {
  std::string device;   // canonical device node, e.g. /dev/ubdb
  int priority = -1;    // pri=N (0-32767); -1: the kernel's own
  std::string discard;  // "" (none), "all" (discard), "once" or "pages" (discard=...)
};

}  // namespace umla::agent

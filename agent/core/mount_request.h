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

}  // namespace umla::agent

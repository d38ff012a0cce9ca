// Plain descriptions of block devices and device nodes, shared by the pure planners
// (core, steps) and the DeviceNodes seam (system).
#pragma once

#include <cstdint>
#include <string>

namespace umla::agent {

// A block device the kernel has, e.g. {"ubdb", 98, 16} or {"ubdb1", 98, 17}.
struct BlockDeviceInfo {
  std::string name;
  uint32_t major = 0;
  uint32_t minor = 0;
};

enum class NodeKind { kBlock, kChar, kDirectory, kSymlink, kOther };

// What lstat says about a path (a node is described without following symlinks).
struct NodeStat {
  NodeKind kind = NodeKind::kOther;
  uint32_t major = 0;  // device numbers, for kBlock and kChar only
  uint32_t minor = 0;
  uint32_t mode = 0;  // permission bits (07777)
  uint32_t uid = 0;
  uint32_t gid = 0;
};

}  // namespace umla::agent

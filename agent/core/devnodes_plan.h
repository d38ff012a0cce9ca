// The devnodes plan: which ubd nodes to create, replace or (with prune) remove so
// that every disk and partition the kernel has is reachable under its devtmpfs name
// and, for whole disks, its legacy names. Pure: snapshot in, actions out.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "agent/core/block_device.h"

namespace umla::agent {

struct DevnodesOptions {
  bool legacy = true;  // also /dev/ubd/N and /dev/ubdN for whole disks
  bool prune = false;  // remove ubd block nodes of devices the kernel does not have
};

struct WantedNode {
  std::string path;
  uint32_t major = 0;
  uint32_t minor = 0;
};

// The nodes the kernel's ubd devices call for (devices of other drivers are ignored).
std::vector<WantedNode> WantedUbdNodes(const std::vector<BlockDeviceInfo>& devices, bool legacy);

inline constexpr const char* kLegacyUbdDir = "/dev/ubd";

struct DevnodesSnapshot {
  std::vector<BlockDeviceInfo> devices;
  // lstat of every path the plan looks at: the wanted nodes, /dev/ubd, and every
  // ubd-named entry of /dev and /dev/ubd (the prune candidates). nullopt: missing.
  std::map<std::string, std::optional<NodeStat>> nodes;
};

enum class NodeActionKind { kMakeDirectory, kCreate, kReplace, kRemove };

struct NodeAction {
  NodeActionKind kind = NodeActionKind::kCreate;
  std::string path;
  NodeStat before;  // kReplace, kRemove: what is there now
  NodeStat after;   // kCreate, kReplace: the node to make; kMakeDirectory: its mode
};

struct DevnodesPlan {
  std::vector<NodeAction> actions;    // in the order to apply (directories first)
  std::vector<std::string> warnings;  // paths left alone because they are not nodes
};

// A new node gets the mode devtmpfs gives disks (0660, root:root); a replaced one
// keeps the old mode, owner and group.
DevnodesPlan PlanDevnodes(const DevnodesSnapshot& snapshot, const DevnodesOptions& options);

// The +/- lines of one action, e.g. "+ /dev/ubdb b 98:16 0660 0:0".
std::vector<std::string> DescribeNodeAction(const NodeAction& action);

}  // namespace umla::agent

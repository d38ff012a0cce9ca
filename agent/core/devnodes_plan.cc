#include "agent/core/devnodes_plan.h"

#include <algorithm>
#include <cstdio>

#include "agent/core/ubd_names.h"
#include "common/strings.h"

namespace umla::agent {
namespace {

constexpr uint32_t kNewNodeMode = 0660;
constexpr uint32_t kNewDirMode = 0755;

bool IsUbdDevice(const BlockDeviceInfo& device) {
  return device.major == kUbdMajor && StartsWith(device.name, "ubd");
}

const std::optional<NodeStat>* Find(const DevnodesSnapshot& snapshot, const std::string& path) {
  auto it = snapshot.nodes.find(path);
  return it == snapshot.nodes.end() ? nullptr : &it->second;
}

std::string Describe(const std::string& path, const NodeStat& node) {
  char text[64];
  char type = node.kind == NodeKind::kBlock ? 'b' : node.kind == NodeKind::kChar ? 'c' : '?';
  std::snprintf(text, sizeof text, " %c %u:%u %04o %u:%u", type, node.major, node.minor, node.mode,
                node.uid, node.gid);
  return path + text;
}

// Whether a ubd-named node belongs to a device the kernel does not have.
bool IsStale(const std::string& path, const NodeStat& node,
             const std::vector<BlockDeviceInfo>& devices) {
  if (node.kind != NodeKind::kBlock || node.major != kUbdMajor) return false;
  std::optional<UbdDevice> named = ParseUbdPath(path);
  if (!named) return false;
  return std::none_of(devices.begin(), devices.end(), [&](const BlockDeviceInfo& device) {
    return IsUbdDevice(device) && UbdFromMinor(device.minor) == *named;
  });
}

}  // namespace

std::vector<WantedNode> WantedUbdNodes(const std::vector<BlockDeviceInfo>& devices, bool legacy) {
  std::vector<WantedNode> wanted;
  for (const BlockDeviceInfo& device : devices) {
    if (!IsUbdDevice(device)) continue;
    // The kernel's own name is the devtmpfs name; it is the canonical one.
    wanted.push_back({"/dev/" + device.name, device.major, device.minor});
    UbdDevice ubd = UbdFromMinor(device.minor);
    if (legacy && ubd.part == 0) {
      for (const std::string& path : UbdLegacyPaths(ubd.disk)) {
        wanted.push_back({path, device.major, device.minor});
      }
    }
  }
  return wanted;
}

DevnodesPlan PlanDevnodes(const DevnodesSnapshot& snapshot, const DevnodesOptions& options) {
  DevnodesPlan plan;
  std::vector<WantedNode> wanted = WantedUbdNodes(snapshot.devices, options.legacy);
  bool legacy_dir_ok = true;
  bool needs_legacy_dir = std::any_of(wanted.begin(), wanted.end(), [](const WantedNode& node) {
    return StartsWith(node.path, std::string(kLegacyUbdDir) + "/");
  });
  if (needs_legacy_dir) {
    const std::optional<NodeStat>* dir = Find(snapshot, kLegacyUbdDir);
    if (!dir || !*dir) {
      NodeAction action{NodeActionKind::kMakeDirectory, kLegacyUbdDir, {}, {}};
      action.after.kind = NodeKind::kDirectory;
      action.after.mode = kNewDirMode;
      plan.actions.push_back(action);
    } else if ((*dir)->kind != NodeKind::kDirectory) {
      legacy_dir_ok = false;
      plan.warnings.push_back(std::string(kLegacyUbdDir) + " is not a directory; left alone");
    }
  }
  for (const WantedNode& node : wanted) {
    if (!legacy_dir_ok && StartsWith(node.path, std::string(kLegacyUbdDir) + "/")) continue;
    NodeStat want;
    want.kind = NodeKind::kBlock;
    want.major = node.major;
    want.minor = node.minor;
    want.mode = kNewNodeMode;
    const std::optional<NodeStat>* found = Find(snapshot, node.path);
    if (!found || !*found) {
      plan.actions.push_back({NodeActionKind::kCreate, node.path, {}, want});
      continue;
    }
    const NodeStat& have = **found;
    if (have.kind != NodeKind::kBlock && have.kind != NodeKind::kChar) {
      plan.warnings.push_back(node.path + " is not a device node; left alone");
      continue;
    }
    if (have.kind == want.kind && have.major == want.major && have.minor == want.minor) continue;
    want.mode = have.mode;
    want.uid = have.uid;
    want.gid = have.gid;
    plan.actions.push_back({NodeActionKind::kReplace, node.path, have, want});
  }
  if (options.prune) {
    for (const auto& entry : snapshot.nodes) {
      const std::string& path = entry.first;  // named, not bound: lambdas capture it
      const auto& node = entry.second;
      if (!node || !IsStale(path, *node, snapshot.devices)) continue;
      bool is_wanted = std::any_of(wanted.begin(), wanted.end(),
                                   [&](const WantedNode& w) { return w.path == path; });
      if (!is_wanted) plan.actions.push_back({NodeActionKind::kRemove, path, *node, {}});
    }
  }
  return plan;
}

std::vector<std::string> DescribeNodeAction(const NodeAction& action) {
  switch (action.kind) {
    case NodeActionKind::kMakeDirectory: {
      char mode[8];
      std::snprintf(mode, sizeof mode, "%04o", action.after.mode);
      return {"+ " + action.path + "/ d " + mode};
    }
    case NodeActionKind::kCreate:
      return {"+ " + Describe(action.path, action.after)};
    case NodeActionKind::kReplace:
      return {"- " + Describe(action.path, action.before),
              "+ " + Describe(action.path, action.after)};
    case NodeActionKind::kRemove:
      return {"- " + Describe(action.path, action.before)};
  }
  return {};
}

}  // namespace umla::agent

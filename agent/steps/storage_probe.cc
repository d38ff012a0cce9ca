#include "agent/steps/storage_probe.h"

#include "agent/core/ubd_names.h"
#include "agent/system/file_system.h"
#include "common/strings.h"

namespace umla::agent {
namespace {

bool IsRightNode(const Result<std::optional<NodeStat>>& node, const BlockDeviceInfo& device) {
  return node.ok() && node->has_value() && (*node)->kind == NodeKind::kBlock &&
         (*node)->major == device.major && (*node)->minor == device.minor;
}

}  // namespace

Result<SwapProbe> ProbeSwapDevices(DeviceNodes& nodes, std::vector<std::string>* notes) {
  Result<std::vector<BlockDeviceInfo>> devices = nodes.ListBlockDevices();
  if (!devices.ok()) return devices.status();
  SwapProbe probe;
  // The device the root filesystem is on (disk or partition) is mounted, so it holds
  // no swap: not read (~3 syscalls inside UML, for a stat).
  std::optional<BlockDeviceInfo> root = nodes.RootFilesystemDevice();
  for (const BlockDeviceInfo& device : *devices) {
    if (device.major != kUbdMajor || !StartsWith(device.name, "ubd")) continue;
    if (root && root->major == device.major && root->minor == device.minor) continue;
    UbdDevice ubd = UbdFromMinor(device.minor);
    std::vector<std::string> candidates = {"/dev/" + device.name};
    if (ubd.part == 0) {
      for (const std::string& legacy : UbdLegacyPaths(ubd.disk)) candidates.push_back(legacy);
    }
    std::optional<std::string> readable;
    for (const std::string& path : candidates) {
      if (IsRightNode(nodes.Lstat(path), device)) {
        readable = path;
        break;
      }
    }
    if (!readable) {
      notes->push_back("no node for " + device.name + " yet; not checked for swap");
      probe.unprobed.push_back(ubd);
      continue;
    }
    Result<std::string> page = nodes.ReadStart(*readable, kSwapPageSize);
    if (!page.ok()) {
      notes->push_back(page.status().message() + "; not checked for swap");
      probe.unprobed.push_back(ubd);
      continue;
    }
    if (std::optional<SwapSignature> signature = ParseSwapHeader(*page)) {
      probe.swaps.push_back({ubd, "/dev/" + device.name, *signature});
    }
  }
  return probe;
}

PresentPaths LookUpPaths(DeviceNodes& nodes, const std::vector<std::string>& paths) {
  PresentPaths present;
  for (const std::string& path : paths) {
    if (path.empty() || path[0] != '/' || ParseUbdPath(path)) continue;
    Result<std::optional<NodeStat>> node = nodes.Lstat(path);
    if (!node.ok()) {
      present[path] = std::nullopt;  // unreadable is not missing: do not judge it
    } else if (node->has_value()) {
      bool block = (*node)->kind == NodeKind::kBlock;
      present[path] = block ? std::optional<DevNumbers>(DevNumbers{(*node)->major, (*node)->minor})
                            : std::nullopt;
    }
  }
  return present;
}

bool SettingReader::Bool(const std::string& key, bool fallback) {
  Result<bool> value = settings_.Bool(key, fallback);
  if (value.ok()) return *value;
  if (status_.ok()) status_ = value.status();
  return fallback;
}

std::string SettingReader::Path(const std::string& key, std::string_view fallback,
                                bool allow_empty) {
  Result<std::string> value = settings_.Path(key, fallback, allow_empty);
  if (value.ok()) return *value;
  if (status_.ok()) status_ = value.status();
  return std::string(fallback);
}

std::optional<StepOutcome> EarlyOutcome(const SettingReader& read, bool enabled,
                                        const std::string& key) {
  StepOutcome outcome;
  if (!read.status().ok()) {
    outcome.status = read.status();
    return outcome;
  }
  if (enabled) return std::nullopt;
  outcome.skipped = true;
  outcome.skip_reason = "disabled by setting " + key;
  return outcome;
}

void ReportChange(StepContext& context, StepOutcome& outcome, const std::string& line) {
  if (context.dry_run) {
    context.PlanLine(line);
  } else {
    outcome.changes.push_back(line);
  }
}

}  // namespace umla::agent

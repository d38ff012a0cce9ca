// Device nodes and the kernel's view of block devices, as the devnodes and fstab
// steps see them. Every path is a guest path resolved under the root tree (--root),
// including /sys and /proc. This header is pure; the Linux implementation is below.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "agent/core/block_device.h"
#include "agent/system/guest_root.h"
#include "common/status.h"

namespace umla::agent {

class DeviceNodes {
 public:
  virtual ~DeviceNodes() = default;
  // Disks and partitions from /proc/partitions; from /sys/block (partitions are its
  // subdirectories with a `dev` file) when /proc/partitions cannot be read.
  // Fails only when neither source can be read, naming both.
  virtual Result<std::vector<BlockDeviceInfo>> ListBlockDevices() = 0;
  // nullopt when nothing is at `path`; an error for any other lstat failure.
  virtual Result<std::optional<NodeStat>> Lstat(const std::string& path) = 0;
  // Entry names in a directory (no "." or ".."); empty when it does not exist.
  virtual Result<std::vector<std::string>> ListDirectory(const std::string& path) = 0;
  // Puts a block node with these numbers, mode and owner at `path`, atomically: made
  // under a temporary name in the same directory, then renamed over whatever is there.
  virtual Status MakeBlockNode(const std::string& path, const NodeStat& node) = 0;
  virtual Status Remove(const std::string& path) = 0;
  // mkdir -p; ok when it already exists as a directory.
  virtual Status MakeDirectory(const std::string& path, uint32_t mode) = 0;
  // The first `bytes` bytes of a device (fewer when it is shorter).
  virtual Result<std::string> ReadStart(const std::string& path, size_t bytes) = 0;
  // The block device the root directory's filesystem is on (a mounted filesystem,
  // so never swap), as {major, minor}; nullopt when unknown or not a block device.
  virtual std::optional<BlockDeviceInfo> RootFilesystemDevice() { return std::nullopt; }
};

// One instance serves one boot run, and what it has seen is kept: block devices are
// listed once, and each node's lstat and first bytes are read once (updated by its own
// MakeBlockNode and Remove). The devnodes, fstab and activate steps all ask about the
// same few nodes, nothing else changes them meanwhile, and each syscall costs ~0.1 ms
// inside UML (docs/benchmarks.md).
class LinuxDeviceNodes : public DeviceNodes {
 public:
  explicit LinuxDeviceNodes(std::string root);
  Result<std::vector<BlockDeviceInfo>> ListBlockDevices() override;
  Result<std::optional<NodeStat>> Lstat(const std::string& path) override;
  Result<std::vector<std::string>> ListDirectory(const std::string& path) override;
  Status MakeBlockNode(const std::string& path, const NodeStat& node) override;
  Status Remove(const std::string& path) override;
  Status MakeDirectory(const std::string& path, uint32_t mode) override;
  Result<std::string> ReadStart(const std::string& path, size_t bytes) override;
  std::optional<BlockDeviceInfo> RootFilesystemDevice() override;

 private:
  Result<std::vector<BlockDeviceInfo>> ReadBlockDevices();
  Result<std::optional<NodeStat>> ReadNodeStat(const std::string& path);
  void Forget(const std::string& path);
  // A block node this instance made: replaces what it knew of `path`.
  void RecordMade(const std::string& path, const NodeStat& node);

  GuestRoot root_;
  std::optional<std::vector<BlockDeviceInfo>> block_devices_;
  std::map<std::string, std::optional<NodeStat>> node_stats_;
  std::map<std::pair<std::string, size_t>, std::string> node_starts_;
  std::optional<std::optional<BlockDeviceInfo>> root_device_;  // engaged once asked
};

}  // namespace umla::agent

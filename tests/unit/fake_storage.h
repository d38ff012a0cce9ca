// In-memory stand-ins for the storage seams (FileSystem, DeviceNodes, Mounts) that
// record every change made through them, so step tests assert on what was done.
#pragma once

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "agent/core/activate_plan.h"
#include "agent/system/device_nodes.h"
#include "agent/system/file_system.h"
#include "agent/system/mounts.h"

namespace umla::agent::fakes {

class MemoryFileSystem : public FileSystem {
 public:
  Result<std::string> ReadFile(const std::string& path) override {
    auto it = files.find(path);
    if (it == files.end()) return Status::Error("open " + path + ": No such file or directory");
    return it->second;
  }
  bool Exists(const std::string& path) override { return files.count(path) > 0; }
  Status WriteFileAtomic(const std::string& path, const std::string& content,
                         const std::string* = nullptr) override {
    auto it = files.find(path);
    if (it != files.end() && it->second == content) return Status::Ok();
    if (it != files.end()) {  // as the real one: the first backup stays
      bool first = files.count(BackupPath(path)) == 0;
      files[first ? BackupPath(path) : PreviousPath(path)] = it->second;
    }
    files[path] = content;
    writes.push_back(path);
    return Status::Ok();
  }
  std::map<std::string, std::string> files;
  std::vector<std::string> writes;
};

class FakeDeviceNodes : public DeviceNodes {
 public:
  Result<std::vector<BlockDeviceInfo>> ListBlockDevices() override {
    if (!list_error.empty()) return Status::Error(list_error);
    return devices;
  }
  Result<std::optional<NodeStat>> Lstat(const std::string& path) override {
    auto it = nodes.find(path);
    if (it == nodes.end()) return std::optional<NodeStat>();
    return std::optional<NodeStat>(it->second);
  }
  Result<std::vector<std::string>> ListDirectory(const std::string& path) override {
    std::vector<std::string> names;
    for (const auto& [node_path, node] : nodes) {
      size_t slash = node_path.rfind('/');
      if (node_path.substr(0, slash) == path) names.push_back(node_path.substr(slash + 1));
    }
    return names;
  }
  Status MakeBlockNode(const std::string& path, const NodeStat& node) override {
    nodes[path] = node;
    done.push_back("mknod " + path + " " + std::to_string(node.major) + ":" +
                   std::to_string(node.minor) + " mode " + std::to_string(node.mode) + " owner " +
                   std::to_string(node.uid) + ":" + std::to_string(node.gid));
    return Status::Ok();
  }
  Status Remove(const std::string& path) override {
    nodes.erase(path);
    done.push_back("unlink " + path);
    return Status::Ok();
  }
  Status MakeDirectory(const std::string& path, uint32_t mode) override {
    AddDirectory(path, mode);
    done.push_back("mkdir " + path);
    return Status::Ok();
  }
  Result<std::string> ReadStart(const std::string& path, size_t bytes) override {
    reads.push_back(path);
    auto it = contents.find(path);
    if (it == contents.end()) return std::string();
    return it->second.substr(0, bytes);
  }

  std::optional<BlockDeviceInfo> RootFilesystemDevice() override { return root_device; }

  void AddBlock(const std::string& path, uint32_t major, uint32_t minor, uint32_t mode = 0660) {
    NodeStat node;
    node.kind = NodeKind::kBlock;
    node.major = major;
    node.minor = minor;
    node.mode = mode;
    nodes[path] = node;
  }
  void AddDirectory(const std::string& path, uint32_t mode = 0755) {
    NodeStat dir;
    dir.kind = NodeKind::kDirectory;
    dir.mode = mode;
    nodes[path] = dir;
  }

  std::vector<BlockDeviceInfo> devices;
  std::string list_error;  // non-empty: ListBlockDevices fails with it
  std::map<std::string, NodeStat> nodes;
  std::map<std::string, std::string> contents;  // what ReadStart returns per node path
  std::vector<std::string> reads;                // the paths ReadStart was asked for
  std::optional<BlockDeviceInfo> root_device;    // RootFilesystemDevice
  std::vector<std::string> done;
};

class FakeMounts : public Mounts {
 public:
  explicit FakeMounts(FakeDeviceNodes* nodes) : nodes_(nodes) {}
  Result<std::string> ReadSwaps() override { return swaps; }
  Result<std::string> ReadMounts() override { return mounts; }
  Status Swapon(const SwapRequest& request) override {
    const std::string& device = request.device;
    if (!fail_swapon.empty()) return Status::Error("swapon " + device + ": " + fail_swapon);
    swaps += device + "\tpartition\t32764\t0\t-2\n";
    done.push_back(DescribeSwapon(request).substr(2));  // "swapon DEVICE [options]"
    return Status::Ok();
  }
  Status Mount(const MountRequest& request) override {
    mounts += request.source + " " + request.target + " " + request.type + " rw 0 0\n";
    done.push_back("mount " + request.type + " " + request.source + " " + request.target +
                   " data=" + request.data + (request.read_only ? " ro" : ""));
    return Status::Ok();
  }
  Status MakeMountPoint(const std::string& path) override {
    nodes_->AddDirectory(path);
    done.push_back("mkdir " + path);
    return Status::Ok();
  }

  std::string swaps = "Filename\tType\tSize\tUsed\tPriority\n";
  std::string mounts = "/dev/root / ext4 rw 0 0\nproc /proc proc rw 0 0\n";
  std::string fail_swapon;  // non-empty: Swapon fails with this errno text
  std::vector<std::string> done;

 private:
  FakeDeviceNodes* nodes_;
};

}  // namespace umla::agent::fakes

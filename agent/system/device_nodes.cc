#include "agent/system/device_nodes.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "agent/core/proc_tables.h"
#include "agent/system/file_system.h"

namespace umla::agent {
namespace {

// A device from a sysfs directory with a `dev` file ("98:16"), if it has one.
void AddSysfsDevice(const std::string& dir, const std::string& name,
                    std::vector<BlockDeviceInfo>* devices) {
  Result<std::string> dev = ReadHostFirstLine(dir + "/dev", 64);
  if (!dev.ok()) return;
  if (auto numbers = ParseDevNumbers(*dev))
    devices->push_back({name, numbers->major, numbers->minor});
}

}  // namespace

LinuxDeviceNodes::LinuxDeviceNodes(std::string root) : root_(std::move(root)) {}

Result<std::vector<BlockDeviceInfo>> LinuxDeviceNodes::ListBlockDevices() {
  if (block_devices_) return *block_devices_;
  Result<std::vector<BlockDeviceInfo>> devices = ReadBlockDevices();
  if (devices.ok()) block_devices_ = *devices;
  return devices;
}

Result<std::vector<BlockDeviceInfo>> LinuxDeviceNodes::ReadBlockDevices() {
  // /proc/partitions first: one file names every disk and partition with its numbers
  // (4 syscalls), where walking /sys/block costs ~10 per disk inside UML.
  std::string partitions = root_.HostPath("/proc/partitions");
  Result<std::string> text = ReadHostFile(partitions, 1 << 20);
  if (text.ok()) return ParseProcPartitions(*text);
  // Without /proc (an image tree under --root, say), sysfs says the same.
  std::string sys_block = root_.HostPath("/sys/block");
  bool missing = false;
  Result<std::vector<std::string>> disks = ListHostDirectory(sys_block, &missing);
  if (!disks.ok() || missing) {
    std::string sys_problem = disks.ok()
                                  ? Status::FromErrno("opendir " + sys_block, ENOENT).message()
                                  : disks.status().message();
    return Status::Error("cannot list block devices: " + text.status().message() + "; " +
                         sys_problem);
  }
  std::vector<BlockDeviceInfo> devices;
  for (const std::string& disk : *disks) {
    std::string disk_dir = sys_block + "/" + disk;
    AddSysfsDevice(disk_dir, disk, &devices);
    Result<std::vector<std::string>> entries = ListHostDirectory(disk_dir);
    if (!entries.ok()) continue;
    for (const std::string& entry : *entries) {
      // Partitions are the subdirectories named after the disk (ubdb/ubdb1).
      if (entry.size() > disk.size() && entry.compare(0, disk.size(), disk) == 0) {
        AddSysfsDevice(disk_dir + "/" + entry, entry, &devices);
      }
    }
  }
  return devices;
}

Result<std::optional<NodeStat>> LinuxDeviceNodes::Lstat(const std::string& path) {
  auto known = node_stats_.find(path);
  if (known != node_stats_.end()) return known->second;
  Result<std::optional<NodeStat>> node = ReadNodeStat(path);
  if (node.ok()) node_stats_[path] = *node;
  return node;
}

void LinuxDeviceNodes::Forget(const std::string& path) {
  node_stats_.erase(path);
  for (auto it = node_starts_.begin(); it != node_starts_.end();) {
    it = it->first.first == path ? node_starts_.erase(it) : std::next(it);
  }
}

Result<std::optional<NodeStat>> LinuxDeviceNodes::ReadNodeStat(const std::string& path) {
  std::string host = root_.HostPath(path);
  struct stat st;
  if (::lstat(host.c_str(), &st) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) return std::optional<NodeStat>();
    return Status::FromErrno("lstat " + host, errno);
  }
  NodeStat node;
  if (S_ISBLK(st.st_mode))
    node.kind = NodeKind::kBlock;
  else if (S_ISCHR(st.st_mode))
    node.kind = NodeKind::kChar;
  else if (S_ISDIR(st.st_mode))
    node.kind = NodeKind::kDirectory;
  else if (S_ISLNK(st.st_mode))
    node.kind = NodeKind::kSymlink;
  if (S_ISBLK(st.st_mode) || S_ISCHR(st.st_mode)) {
    node.major = ::major(st.st_rdev);
    node.minor = ::minor(st.st_rdev);
  }
  node.mode = st.st_mode & 07777;
  node.uid = st.st_uid;
  node.gid = st.st_gid;
  return std::optional<NodeStat>(node);
}

Result<std::vector<std::string>> LinuxDeviceNodes::ListDirectory(const std::string& path) {
  return ListHostDirectory(root_.HostPath(path));
}

Status LinuxDeviceNodes::MakeBlockNode(const std::string& path, const NodeStat& node) {
  std::string host = root_.HostPath(path);
  std::string temp = host + ".uml-agent.tmp";
  // Created with its final mode when we own it as wanted (the usual root:root, umask
  // 022 case: no chown or chmod after); else private first, then chown and chmod.
  bool as_wanted = CreatesAs(node.mode & 07777, node.uid, node.gid);
  mode_t first_mode = as_wanted ? (node.mode & 07777) : 0600;
  dev_t number = ::makedev(node.major, node.minor);
  // Where this run saw nothing, a node made as wanted can go in place: it appears
  // whole, in one syscall instead of two. Should something have appeared since, it is
  // replaced the usual way.
  auto seen = node_stats_.find(path);
  if (as_wanted && seen != node_stats_.end() && !seen->second) {
    if (::mknod(host.c_str(), S_IFBLK | first_mode, number) == 0) {
      RecordMade(path, node);
      return Status::Ok();
    }
    if (errno != EEXIST) return Status::FromErrno("mknod " + host, errno);
  }
  int made = CreateOverLeftover(
      temp, [&] { return ::mknod(temp.c_str(), S_IFBLK | first_mode, number); });
  if (made != 0) return Status::FromErrno("mknod " + temp, errno);
  Status status;
  // chown first: it may clear set-id bits that the chmod then puts back.
  if (!as_wanted && ::lchown(temp.c_str(), node.uid, node.gid) != 0)
    status = Status::FromErrno("chown " + temp, errno);
  if (status.ok() && !as_wanted && ::chmod(temp.c_str(), node.mode & 07777) != 0) {
    status = Status::FromErrno("chmod " + temp, errno);
  }
  if (status.ok() && ::rename(temp.c_str(), host.c_str()) != 0) {
    status = Status::FromErrno("rename " + temp + " to " + host, errno);
  }
  if (!status.ok()) {
    Forget(path);
    ::unlink(temp.c_str());
    return status;
  }
  RecordMade(path, node);
  return status;
}

void LinuxDeviceNodes::RecordMade(const std::string& path, const NodeStat& node) {
  Forget(path);
  NodeStat made_node = node;
  made_node.kind = NodeKind::kBlock;
  made_node.mode &= 07777;
  node_stats_[path] = made_node;
}

Status LinuxDeviceNodes::Remove(const std::string& path) {
  std::string host = root_.HostPath(path);
  Forget(path);
  if (::unlink(host.c_str()) != 0 && errno != ENOENT)
    return Status::FromErrno("unlink " + host, errno);
  node_stats_[path] = std::nullopt;
  return Status::Ok();
}

Status LinuxDeviceNodes::MakeDirectory(const std::string& path, uint32_t mode) {
  node_stats_.clear();  // mkdir -p: any missing parent may appear too
  return root_.MakeDirectories(path, mode);
}

Result<std::string> LinuxDeviceNodes::ReadStart(const std::string& path, size_t bytes) {
  auto key = std::make_pair(path, bytes);
  auto known = node_starts_.find(key);
  if (known != node_starts_.end()) return known->second;
  Result<std::string> start = ReadHostFile(root_.HostPath(path), bytes);
  if (start.ok()) node_starts_[key] = *start;
  return start;
}

std::optional<BlockDeviceInfo> LinuxDeviceNodes::RootFilesystemDevice() {
  if (!root_device_) {
    struct stat st;
    bool known = ::stat(root_.HostPath("/").c_str(), &st) == 0 && major(st.st_dev) != 0;
    root_device_.emplace();
    if (known) *root_device_ = BlockDeviceInfo{"", major(st.st_dev), minor(st.st_dev)};
  }
  return *root_device_;
}

}  // namespace umla::agent

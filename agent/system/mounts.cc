#include "agent/system/mounts.h"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/swap.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>

#include "agent/core/activate_plan.h"
#include "agent/system/file_system.h"

namespace umla::agent {

Result<std::string> LinuxMounts::ReadProcFile(const std::string& path) {
  return ReadHostFile(root_.HostPath(path), SIZE_MAX, /*missing_is_empty=*/true);
}

// With no swap on at all (the usual case at boot: sysinfo's total is 0) the table is
// its header alone, known from one syscall instead of its read's four. Only for the
// running system: under --root the table is the tree's.
Result<std::string> LinuxMounts::ReadSwaps() {
  struct sysinfo info {};
  if (root_.IsRunningSystem() && ::sysinfo(&info) == 0 && info.totalswap == 0) {
    return std::string(kProcSwapsHeader);
  }
  return ReadProcFile("/proc/swaps");
}

// /proc/mounts is a symlink to it: reading the file itself saves an open.
Result<std::string> LinuxMounts::ReadMounts() {
  if (table_) return *table_;
  Result<std::string> text = ReadProcFile("/proc/self/mounts");
  if (text.ok() && remembering_) table_ = *text;
  return text;
}

void LinuxMounts::RememberTable(bool on, std::optional<std::string> known) {
  remembering_ = on;
  table_ = on ? std::move(known) : std::nullopt;
}

void LinuxMounts::Added(const MountEntry& entry) {
  if (table_) *table_ += FormatProcMountsLine(entry);
  if (after_mount_) after_mount_();
}

Status LinuxMounts::Swapon(const SwapRequest& request) {
  std::string host = root_.HostPath(request.device);
  if (::swapon(host.c_str(), SwapFlags(request)) != 0) return Status::FromErrno("swapon " + host, errno);
  return Status::Ok();
}

Status LinuxMounts::Mount(const MountRequest& request) {
  std::string target = root_.HostPath(request.target);
  unsigned long flags = request.read_only ? MS_RDONLY : 0;
  const void* data = request.data.empty() ? nullptr : request.data.c_str();
  if (::mount(request.source.c_str(), target.c_str(), request.type.c_str(), flags, data) != 0) {
    return Status::FromErrno("mount -t " + request.type + " " + request.source + " " + target +
                                 (request.data.empty() ? "" : " -o " + request.data),
                             errno);
  }
  Added({request.source, target, request.type, request.read_only ? "ro" : "rw"});
  return Status::Ok();
}

Result<HostfsMount> LinuxMounts::MountHostfsReadOnly(const std::string& host_dir,
                                                     const std::string& target) {
  std::string host_target = root_.HostPath(target);
  auto mount = [&] {
    return ::mount("none", host_target.c_str(), "hostfs", MS_RDONLY | MS_NOSUID | MS_NODEV,
                   host_dir.c_str());
  };
  int mounted = mount();
  if (mounted != 0 && errno == ENOENT) {  // the mount point, or else HOST_DIR, is missing
    Status made = root_.MakeDirectories(target, 0755);
    if (!made.ok()) return made;
    mounted = mount();
    if (mounted != 0 && errno == ENOENT) return HostfsMount::kNoHostDir;
  }
  if (mounted != 0 && errno == ENODEV) return HostfsMount::kNoHostfs;
  if (mounted != 0) {
    return Status::FromErrno("mount hostfs " + host_dir + " on " + host_target, errno);
  }
  Added({"none", host_target, "hostfs", "ro,nosuid,nodev"});
  return HostfsMount::kMounted;
}

Status LinuxMounts::MakeMountPoint(const std::string& path) {
  return root_.MakeDirectories(path, 0755);
}

Result<std::optional<std::string>> ReadBelowMounts(const std::string& path) {
  // Without AT_RECURSIVE the clone is the root mount alone: none of the mounts on top
  // of its directories come with it. Closing its fd drops the detached copy.
  constexpr unsigned kOpenTreeClone = 1;  // OPEN_TREE_CLONE (linux/mount.h)
  long tree = ::syscall(SYS_open_tree, AT_FDCWD, "/", kOpenTreeClone | O_CLOEXEC);
  if (tree < 0) return Status::FromErrno("open_tree / (to look below the mounts)", errno);
  int fd = static_cast<int>(tree);
  // The fd's magic link resolves inside the detached copy: the read code is the usual one.
  Result<std::optional<std::string>> content =
      ReadHostFileIfPresent("/proc/self/fd/" + std::to_string(fd) + path, 1 << 20);
  ::close(fd);
  return content;
}

}  // namespace umla::agent

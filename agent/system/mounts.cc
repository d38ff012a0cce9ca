#include "agent/system/mounts.h"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/swap.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>

#include "agent/system/file_system.h"

namespace umla::agent {

Result<std::string> LinuxMounts::ReadProcFile(const std::string& path) {
  return ReadHostFile(root_.HostPath(path), SIZE_MAX, /*missing_is_empty=*/true);
}

Result<std::string> LinuxMounts::ReadSwaps() { return ReadProcFile("/proc/swaps"); }

// /proc/mounts is a symlink to it: reading the file itself saves an open.
Result<std::string> LinuxMounts::ReadMounts() { return ReadProcFile("/proc/self/mounts"); }

Status LinuxMounts::Swapon(const std::string& device) {
  std::string host = root_.HostPath(device);
  if (::swapon(host.c_str(), 0) != 0) return Status::FromErrno("swapon " + host, errno);
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
  return Status::Ok();
}

Status LinuxMounts::MakeMountPoint(const std::string& path) {
  return root_.MakeDirectories(path, 0755);
}

}  // namespace umla::agent

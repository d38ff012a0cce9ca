#include "agent/system/mounts.h"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/swap.h>
#include <unistd.h>

#include <cerrno>

namespace umla::agent {

Result<std::string> LinuxMounts::ReadProcFile(const std::string& path) {
  std::string host = root_.HostPath(path);
  int fd = ::open(host.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return std::string();
    return Status::FromErrno("open " + host, errno);
  }
  std::string content;
  char buffer[4096];
  while (true) {  // proc files report size 0: read until EOF
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      return Status::FromErrno("read " + host, err);
    }
    if (n == 0) break;
    content.append(buffer, static_cast<size_t>(n));
  }
  ::close(fd);
  return content;
}

Result<std::string> LinuxMounts::ReadSwaps() { return ReadProcFile("/proc/swaps"); }

Result<std::string> LinuxMounts::ReadMounts() { return ReadProcFile("/proc/mounts"); }

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

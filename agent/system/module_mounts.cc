#include "agent/system/module_mounts.h"

#include <sys/mount.h>

#include <cerrno>

#include "agent/core/proc_tables.h"
#include "agent/system/file_system.h"

namespace umla::agent {

std::set<std::string> LinuxModuleMounts::MountPoints() {
  std::set<std::string> points;
  for (const MountEntry& mount :
       ParseProcMounts(ReadHostFile("/proc/self/mounts", 1 << 20).value_or(""))) {
    points.insert(mount.target);
  }
  return points;
}

Result<bool> LinuxModuleMounts::MountHostfsReadOnly(const std::string& host_dir,
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
  }
  if (mounted == 0) return true;
  if (errno == ENODEV) return false;  // no such filesystem type
  return Status::FromErrno("mount hostfs " + host_dir + " on " + host_target, errno);
}

}  // namespace umla::agent

#include "agent/system/module_mounts.h"

#include <sys/mount.h>

#include <cerrno>

#include "agent/core/proc_tables.h"
#include "agent/system/file_system.h"
#include "common/strings.h"

namespace umla::agent {

std::set<std::string> LinuxModuleMounts::KernelFilesystems() {
  std::set<std::string> types;
  const std::string text = ReadHostFile("/proc/filesystems", 1 << 20).value_or("");
  for (std::string_view line : Split(text, '\n')) {
    auto fields = SplitWhitespace(line);
    if (!fields.empty()) types.emplace(fields.back());
  }
  return types;
}

std::set<std::string> LinuxModuleMounts::MountPoints() {
  std::set<std::string> points;
  for (const MountEntry& mount :
       ParseProcMounts(ReadHostFile("/proc/self/mounts", 1 << 20).value_or(""))) {
    points.insert(mount.target);
  }
  return points;
}

Status LinuxModuleMounts::MakeDirectories(const std::string& path) {
  return root_.MakeDirectories(path, 0755);
}

Status LinuxModuleMounts::MountHostfsReadOnly(const std::string& host_dir,
                                              const std::string& target) {
  std::string host_target = root_.HostPath(target);
  if (::mount("none", host_target.c_str(), "hostfs", MS_RDONLY | MS_NOSUID | MS_NODEV,
              host_dir.c_str()) != 0) {
    return Status::FromErrno("mount hostfs " + host_dir + " on " + host_target, errno);
  }
  return Status::Ok();
}

}  // namespace umla::agent

#include "agent/system/module_mounts.h"

#include <sys/mount.h>
#include <sys/stat.h>

#include <cerrno>
#include <fstream>
#include <sstream>

#include "common/strings.h"

namespace umla::agent {
namespace {

std::string ReadProc(const char* path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

std::string LinuxModuleMounts::HostPath(const std::string& path) const {
  return root_ == "/" ? path : root_ + path;
}

std::set<std::string> LinuxModuleMounts::KernelFilesystems() {
  std::set<std::string> types;
  const std::string text = ReadProc("/proc/filesystems");  // Split returns views into it
  for (std::string_view line : Split(text, '\n')) {
    auto fields = SplitWhitespace(line);
    if (!fields.empty()) types.emplace(fields.back());
  }
  return types;
}

std::set<std::string> LinuxModuleMounts::MountPoints() {
  std::set<std::string> points;
  const std::string text = ReadProc("/proc/self/mounts");  // Split returns views into it
  for (std::string_view line : Split(text, '\n')) {
    auto fields = SplitWhitespace(line);
    if (fields.size() >= 2) points.emplace(fields[1]);
  }
  return points;
}

Status LinuxModuleMounts::MakeDirectories(const std::string& path) {
  std::string partial;
  for (std::string_view part : Split(path, '/')) {
    if (part.empty()) continue;
    partial += "/" + std::string(part);
    std::string host = HostPath(partial);
    if (::mkdir(host.c_str(), 0755) != 0 && errno != EEXIST) {
      return Status::FromErrno("mkdir " + host, errno);
    }
  }
  return Status::Ok();
}

Status LinuxModuleMounts::MountHostfsReadOnly(const std::string& host_dir,
                                              const std::string& target) {
  std::string host_target = HostPath(target);
  if (::mount("none", host_target.c_str(), "hostfs", MS_RDONLY | MS_NOSUID | MS_NODEV,
              host_dir.c_str()) != 0) {
    return Status::FromErrno("mount hostfs " + host_dir + " on " + host_target, errno);
  }
  return Status::Ok();
}

}  // namespace umla::agent

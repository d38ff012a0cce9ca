#include "agent/system/early_mounts.h"

#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

#include "common/strings.h"

namespace umla::agent {
namespace {

// Mount options of `target` in /proc/self/mounts ("" when not mounted).
std::string MountOptions(const std::string& target) {
  std::ifstream in("/proc/self/mounts");
  std::stringstream text;
  text << in.rdbuf();
  std::string options;
  const std::string all = text.str();  // Split returns views into it: keep it alive
  for (std::string_view line : Split(all, '\n')) {
    auto fields = SplitWhitespace(line);
    if (fields.size() >= 4 && fields[1] == target) options = std::string(fields[3]);  // last wins
  }
  return options;
}

std::set<std::string> MountedPoints() {
  std::set<std::string> points;
  // /proc may not be mounted yet: then nothing is known to be mounted.
  std::ifstream in("/proc/self/mounts");
  std::stringstream text;
  text << in.rdbuf();
  const std::string all = text.str();  // Split returns views into it: keep it alive
  for (std::string_view line : Split(all, '\n')) {
    auto fields = SplitWhitespace(line);
    if (fields.size() >= 2) points.emplace(fields[1]);
  }
  return points;
}

}  // namespace

std::vector<std::string> MountEarlyFilesystems(bool kernel_interfaces_only) {
  struct Wanted {
    const char* target;
    const char* type;
    unsigned long flags;
    const char* options;
  };
  const Wanted wanted[] = {
      {"/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr},
      {"/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr},
      {"/dev", "devtmpfs", MS_NOSUID, "mode=0755"},
      {"/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755"},
  };
  std::vector<std::string> problems;
  for (const Wanted& want : wanted) {
    bool kernel_interface = want.target[1] == 'p' || want.target[1] == 's';  // /proc, /sys
    if (kernel_interfaces_only && !kernel_interface) continue;
    // Re-read each time: /proc itself is the first mount.
    if (MountedPoints().count(want.target)) continue;
    // An image that keeps a static /dev on purpose (devtmpfs.mount=0) keeps it.
    struct stat null_node;
    if (std::strcmp(want.target, "/dev") == 0 && ::stat("/dev/null", &null_node) == 0) continue;
    ::mkdir(want.target, 0755);
    if (::mount(want.type, want.target, want.type, want.flags, want.options) != 0 &&
        errno != EBUSY) {
      problems.push_back(std::string("mount ") + want.type + " on " + want.target + ": " +
                         std::strerror(errno));
    }
  }
  return problems;
}

bool MakeRootWritable(std::vector<std::string>* problems) {
  std::string options = MountOptions("/");
  if (options != "ro" && options.rfind("ro,", 0) != 0) return false;
  if (::mount(nullptr, "/", nullptr, MS_REMOUNT, nullptr) != 0) {
    problems->push_back(std::string("remount / read-write for the fixups: ") +
                        std::strerror(errno));
    return false;
  }
  return true;
}

void RestoreRootReadOnly(std::vector<std::string>* problems) {
  ::sync();
  if (::mount(nullptr, "/", nullptr, MS_REMOUNT | MS_RDONLY, nullptr) != 0) {
    problems->push_back(std::string("remount / read-only again: ") + std::strerror(errno));
  }
}

}  // namespace umla::agent

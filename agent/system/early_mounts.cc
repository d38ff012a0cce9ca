#include "agent/system/early_mounts.h"

#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <set>

#include "agent/core/proc_tables.h"
#include "agent/system/file_system.h"
#include "common/strings.h"

namespace umla::agent {
namespace {

// The text of /proc/self/mounts; empty while /proc is not mounted yet (then nothing is
// known to be mounted).
std::string MountTable() { return ReadHostFile("/proc/self/mounts", 1 << 20).value_or(""); }

std::vector<MountEntry> CurrentMounts() { return ParseProcMounts(MountTable()); }

// Mount options of `target` ("" when not mounted; the last mount on it wins).
std::string MountOptions(const std::string& target) {
  std::string options;
  for (const MountEntry& mount : CurrentMounts()) {
    if (mount.target == target) options = mount.options;
  }
  return options;
}

std::set<std::string> MountedPoints(const std::string& table) {
  std::set<std::string> points;
  for (const MountEntry& mount : ParseProcMounts(table)) points.insert(mount.target);
  return points;
}

}  // namespace

std::vector<std::string> MountEarlyFilesystems(bool kernel_interfaces_only,
                                               std::optional<std::string>* table) {
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
  // Read once, and again only after /proc itself was mounted (before that the list is
  // empty: nothing is known to be mounted).
  std::string text = MountTable();
  std::set<std::string> mounted = MountedPoints(text);
  bool changed = false;
  for (const Wanted& want : wanted) {
    bool kernel_interface = want.target[1] == 'p' || want.target[1] == 's';  // /proc, /sys
    if (kernel_interfaces_only && !kernel_interface) continue;
    if (mounted.count(want.target)) continue;
    // An image that keeps a static /dev on purpose (devtmpfs.mount=0) keeps it.
    struct stat null_node;
    if (std::strcmp(want.target, "/dev") == 0 && ::stat("/dev/null", &null_node) == 0) continue;
    ::mkdir(want.target, 0755);
    changed = true;
    if (::mount(want.type, want.target, want.type, want.flags, want.options) != 0 &&
        errno != EBUSY) {
      problems.push_back(std::string("mount ") + want.type + " on " + want.target + ": " +
                         std::strerror(errno));
    } else if (std::strcmp(want.target, "/proc") == 0) {
      text = MountTable();
      mounted = MountedPoints(text);
    }
  }
  if (table != nullptr && !changed) *table = std::move(text);
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

#include "agent/system/guest_info.h"

#include <sys/utsname.h>

#include <fstream>

#include "common/strings.h"

namespace umla::agent {

std::string KernelRelease() {
  struct utsname name;
  if (::uname(&name) != 0) return "unknown";
  return name.release;
}

std::string BootId() {
  std::ifstream in("/proc/sys/kernel/random/boot_id");
  std::string id;
  if (!std::getline(in, id)) return "unknown";
  return std::string(Trim(id));
}

}  // namespace umla::agent

#include "agent/system/guest_info.h"

#include <sys/utsname.h>

#include "agent/system/file_system.h"
#include "common/strings.h"

namespace umla::agent {

std::string KernelRelease() {
  // Asked by the hello and by the modules step: one uname a process.
  static const std::string release = [] {
    struct utsname name;
    return ::uname(&name) == 0 ? std::string(name.release) : std::string("unknown");
  }();
  return release;
}

std::string BootId() {
  Result<std::string> id = ReadHostFirstLine("/proc/sys/kernel/random/boot_id", 4096);
  if (!id.ok() || Trim(*id).empty()) return "unknown";
  return std::string(Trim(*id));
}

}  // namespace umla::agent

#include "host-bridge/guest/system_program.h"

#include <unistd.h>

#include <cstdlib>

#include "common/strings.h"

namespace umla::bridge {

std::string FindSystemProgram(const std::string& name) {
  if (name.find('/') != std::string::npos) return access(name.c_str(), X_OK) == 0 ? name : "";
  const char* path = std::getenv("PATH");
  std::string dirs = std::string(path ? path : "") + ":/usr/sbin:/sbin";
  for (std::string_view dir : Split(dirs, ':')) {
    if (dir.empty()) continue;
    std::string candidate = std::string(dir) + "/" + name;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

}  // namespace umla::bridge

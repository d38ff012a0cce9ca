#include "agent/system/self_exe.h"

#include <sys/stat.h>

namespace umla::agent {

bool IsThisProgram(const std::string& path) {
  struct stat self, other;
  return ::stat("/proc/self/exe", &self) == 0 && ::stat(path.c_str(), &other) == 0 &&
         self.st_dev == other.st_dev && self.st_ino == other.st_ino;
}

}  // namespace umla::agent

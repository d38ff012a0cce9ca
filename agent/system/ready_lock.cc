#include "agent/system/ready_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>

namespace umla::agent {

ReadyLock::ReadyLock(const std::string& path) {
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) return;
  while (::flock(fd_, LOCK_EX) != 0) {
    if (errno == EINTR) continue;
    ::close(fd_);  // a file system without locks: as if there were no lock
    fd_ = -1;
    return;
  }
}

ReadyLock::~ReadyLock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace umla::agent

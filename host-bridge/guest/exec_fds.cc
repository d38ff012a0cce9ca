#include "host-bridge/guest/exec_fds.h"

#include <fcntl.h>
#include <unistd.h>

namespace umla::bridge {

int LiftFd(int fd, int floor) {
  return fd >= 0 && fd < floor ? ::fcntl(fd, F_DUPFD_CLOEXEC, floor) : fd;
}

bool WireFd(int from, int to) {
  if (from != to) return ::dup2(from, to) == to;
  int flags = ::fcntl(to, F_GETFD);
  return flags >= 0 && ::fcntl(to, F_SETFD, flags & ~FD_CLOEXEC) == 0;
}

}  // namespace umla::bridge

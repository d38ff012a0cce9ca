#include "host-bridge/hostnet/tap.h"

#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace umla::bridge {

Status CreatePersistentTap(const std::string& name, std::optional<uid_t> owner) {
  if (name.empty() || name.size() >= IFNAMSIZ) {
    return Status::Error("tap name \"" + name + "\": expected 1 to " + std::to_string(IFNAMSIZ - 1) +
                         " characters");
  }
  int fd = ::open("/dev/net/tun", O_RDWR | O_CLOEXEC);
  if (fd < 0) return Status::FromErrno("open /dev/net/tun", errno);
  ifreq request{};
  std::memcpy(request.ifr_name, name.c_str(), name.size());
  // IFF_TUN_EXCL: a tap of that name made meanwhile by someone else is refused (EBUSY),
  // never taken over (and later deleted by --down as ours).
  request.ifr_flags = static_cast<short>(IFF_TAP | IFF_NO_PI | IFF_TUN_EXCL);
  Status status;
  if (::ioctl(fd, TUNSETIFF, &request) != 0) {
    status = Status::FromErrno("TUNSETIFF " + name, errno);
  } else if (owner && ::ioctl(fd, TUNSETOWNER, static_cast<unsigned long>(*owner)) != 0) {
    status = Status::FromErrno("TUNSETOWNER " + name, errno);
  } else if (::ioctl(fd, TUNSETPERSIST, 1UL) != 0) {
    status = Status::FromErrno("TUNSETPERSIST " + name, errno);
  }
  ::close(fd);  // a persistent tap stays; a failed one goes with the descriptor
  return status;
}

}  // namespace umla::bridge

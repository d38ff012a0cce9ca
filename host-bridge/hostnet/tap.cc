#include "host-bridge/hostnet/tap.h"

#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>

namespace umla::bridge {

Status CreatePersistentTap(const std::string& name, std::optional<uid_t> owner) {
  int fd = ::open("/dev/net/tun", O_RDWR | O_CLOEXEC);
  if (fd < 0) return Status::FromErrno("open /dev/net/tun", errno);
  ifreq request{};
  // All of an interface name (the caller checked it is one); bounded all the same, so
  // that a caller that did not check can never write past ifr_name.
  name.copy(request.ifr_name, sizeof request.ifr_name - 1);
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

#include "host-bridge/guest/ext_image.h"

#include <fcntl.h>
#include <unistd.h>

namespace umla::bridge {

bool LooksLikeExtImage(const std::string& image) {
  // O_NONBLOCK: a FIFO under the name must not hang the caller.
  int fd = open(image.c_str(), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) return false;
  // The superblock starts 1024 bytes in; s_magic (0xEF53, little-endian) is 56 into it.
  unsigned char magic[2] = {0, 0};
  bool ext = pread(fd, magic, sizeof magic, 1024 + 56) == 2 && magic[0] == 0x53 && magic[1] == 0xEF;
  close(fd);
  return ext;
}

}  // namespace umla::bridge

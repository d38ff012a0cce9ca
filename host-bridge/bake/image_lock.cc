#include "host-bridge/bake/image_lock.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

namespace umla::bridge {

Result<ImageLock> ImageLock::Take(const std::string& image) {
  int fd = ::open(image.c_str(), O_RDWR | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) return Status::FromErrno("open " + image + " for writing", errno);
  // An open file description lock (F_OFD_SETLK): it conflicts with UML's F_SETLK
  // locks like a classic one, but closing another descriptor of the image in this
  // process does not drop it.
  struct flock lock = {};
  lock.l_type = F_WRLCK;
  lock.l_whence = SEEK_SET;
  if (::fcntl(fd, F_OFD_SETLK, &lock) == 0) return ImageLock(fd);
  int error = errno;
  if (error != EAGAIN && error != EACCES) {
    ::close(fd);
    return Status::FromErrno("lock " + image, error);
  }
  // F_GETLK names the holder of a classic lock (UML's); an OFD lock has no pid.
  struct flock holder = {};
  holder.l_type = F_WRLCK;
  holder.l_whence = SEEK_SET;
  std::string who = "another process";
  if (::fcntl(fd, F_GETLK, &holder) == 0 && holder.l_type != F_UNLCK && holder.l_pid > 0) {
    who = "process " + std::to_string(holder.l_pid);
  }
  ::close(fd);
  return Status::Error(image + " is in use: " + who +
                       " holds a lock on it (a running UML locks its ubd files); stop it "
                       "before baking");
}

ImageLock::ImageLock(ImageLock&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}

ImageLock::~ImageLock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace umla::bridge

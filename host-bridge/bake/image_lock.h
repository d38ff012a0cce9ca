// Keeps a running UML and bake off the same image. UML locks each ubd file it opens
// with fcntl(F_SETLK) over the whole file: a write lock when it may write, a read
// lock otherwise (a COW file's backing file too). debugfs takes no lock, and changing
// a mounted file system under a running kernel corrupts it, so bake takes the write
// lock itself before reading the image and keeps it until it is done: it fails while
// any UML has the image open, and a UML started meanwhile fails to open it.
#pragma once

#include <string>

#include "common/status.h"

namespace umla::bridge {

class ImageLock {
 public:
  // Fails naming the holder's pid when another process has a lock on `image`.
  static Result<ImageLock> Take(const std::string& image);
  ImageLock(ImageLock&& other) noexcept;
  ImageLock& operator=(ImageLock&&) = delete;
  ~ImageLock();

 private:
  explicit ImageLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace umla::bridge

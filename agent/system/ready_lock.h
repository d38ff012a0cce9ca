// One process of a boot at a time sends ready: the late init integration and the
// wrapper's own ready process may both run (an image baked for systemd booted with a
// bare init=/sbin/uml-agent and gates). The second waits for the first, then finds
// ready sent in the state and does nothing; should the first die, it sends it.
#pragma once

#include <string>

namespace umla::agent {

class ReadyLock {
 public:
  // Waits for the lock on `path` (made when missing); holds nothing when it cannot be
  // opened (no /run/uml-agent yet: there is no state to race on either).
  explicit ReadyLock(const std::string& path);
  ~ReadyLock();
  ReadyLock(const ReadyLock&) = delete;
  ReadyLock& operator=(const ReadyLock&) = delete;
  bool held() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

}  // namespace umla::agent

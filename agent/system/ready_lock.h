// One process of a boot at a time sends ready: the late init integration and the
// wrapper's own ready process may both run (an image baked for systemd booted with a
// bare init=/sbin/uml-agent and gates). The second waits for the first, then finds
// ready sent in the state and does nothing; should the first die, it sends it. The
// lock is on the agent's own program file (/proc/self/exe): every ready process runs
// it, and unlike a file under /run it cannot be hidden by a later mount there.
#pragma once

#include <string>

namespace umla::agent {

class ReadyLock {
 public:
  // Waits for the lock on the file `path` names; holds nothing when it cannot be
  // opened or locked (the run goes on unserialised, as before there was a lock).
  explicit ReadyLock(const std::string& path);
  ~ReadyLock();
  ReadyLock(const ReadyLock&) = delete;
  ReadyLock& operator=(const ReadyLock&) = delete;
  bool held() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

}  // namespace umla::agent

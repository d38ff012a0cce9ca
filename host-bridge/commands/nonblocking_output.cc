#include "host-bridge/commands/nonblocking_output.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <string>

#include "host-bridge/commands/session.h"

namespace umla::bridge {

NonBlockingOutput::NonBlockingOutput(int fd) {
  struct stat st;
  if (fstat(fd, &st) != 0) return;  // closed: no output
  fd_ = fd;
  if (S_ISREG(st.st_mode)) return;
  if (S_ISSOCK(st.st_mode)) {
    is_socket_ = true;
    return;
  }
  int own = open(("/proc/self/fd/" + std::to_string(fd)).c_str(),
                 O_WRONLY | O_APPEND | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
  if (own >= 0) {
    fd_ = own;
    owned_ = true;
  }
}

NonBlockingOutput::~NonBlockingOutput() {
  if (owned_) close(fd_);
}

ssize_t NonBlockingOutput::WriteSome(const char* data, size_t size) const {
  if (is_socket_) return send(fd_, data, size, MSG_DONTWAIT | MSG_NOSIGNAL);
  return write(fd_, data, size);
}

bool BoundedWriter::Flush(bool always_wait) {
  if (pending_.empty()) return true;
  const uint64_t deadline_us = NowMicros() + kMaxWaitMs * 1000;
  while (!pending_.empty()) {
    ssize_t n = out_.WriteSome(pending_.data(), pending_.size());
    if (n > 0) {
      pending_.erase(0, static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      uint64_t now = NowMicros();
      if ((stalled_ && !always_wait) || now >= deadline_us) {
        stalled_ = true;
        return false;
      }
      struct pollfd writable = {out_.fd(), POLLOUT, 0};
      poll(&writable, 1, static_cast<int>(std::min<uint64_t>((deadline_us - now + 999) / 1000, 60000)));
      continue;
    }
    pending_.clear();  // the reader is gone (EPIPE) or the disk full: nothing to wait for
    ++dropped_;
    return true;
  }
  stalled_ = false;  // the reader took a line again
  return true;
}

void BoundedWriter::WriteLine(std::string_view line, bool always_wait) {
  if (out_.fd() < 0) return;
  if (!Flush(always_wait)) {  // the line before is not out yet
    ++dropped_;
    return;
  }
  pending_.assign(line.data(), line.size());
  pending_ += '\n';
  size_t whole = pending_.size();
  if (!Flush(always_wait) && pending_.size() == whole) {
    pending_.clear();  // none of it went out: dropped whole
    ++dropped_;
  }
}

}  // namespace umla::bridge

#include "host-bridge/commands/console_sink.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>

namespace umla::bridge {

ConsoleSink::ConsoleSink(const std::string& path) {
  if (!path.empty()) {
    // Opened as before (a FIFO's open waits for its reader), then told not to block.
    fd_ = open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    owned_ = true;
    open_failed_ = fd_ < 0;
    if (fd_ >= 0) fcntl(fd_, F_SETFL, fcntl(fd_, F_GETFL) | O_NONBLOCK);
    return;
  }
  if (isatty(2)) filter_ = std::make_unique<TerminalFilter>();
  stderr_ = std::make_unique<NonBlockingOutput>(2);
  fd_ = stderr_->fd();
}

ConsoleSink::ConsoleSink(int fd, bool for_terminal, size_t max_pending)
    : fd_(fd), max_pending_(max_pending) {
  if (for_terminal) filter_ = std::make_unique<TerminalFilter>();
}

ConsoleSink::~ConsoleSink() {
  if (owned_ && fd_ >= 0) close(fd_);
}

ssize_t ConsoleSink::WriteSome(const char* data, size_t size) {
  if (stderr_) return stderr_->WriteSome(data, size);
  return write(fd_, data, size);
}

void ConsoleSink::WritePending() {
  while (fd_ >= 0 && !pending_.empty()) {
    ssize_t n = WriteSome(pending_.data(), pending_.size());
    if (n > 0) {
      pending_.erase(0, static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    pending_.clear();  // a full disk or a closed pipe must not stop the watch
    return;
  }
  if (dropped_ > 0 && pending_.empty()) {
    pending_ = "\n[uml-bridge: " + std::to_string(dropped_) +
               " bytes of the guest console dropped: its destination did not keep up]\n";
    dropped_ = 0;
    WritePending();
  }
}

void ConsoleSink::Queue(const std::string& text) {
  // Once something was dropped, everything is until the note can go out: the note
  // then stands where the gap is. Whole pieces only: no line cut in its middle.
  if (dropped_ > 0 || pending_.size() + text.size() > max_pending_) {
    dropped_ += text.size();
  } else {
    pending_ += text;
  }
}

void ConsoleSink::Write(std::string_view raw) {
  if (fd_ < 0) return;
  Queue(filter_ ? filter_->Feed(raw) : std::string(raw));
  WritePending();
}

void ConsoleSink::Finish(int timeout_ms) {
  if (fd_ < 0) return;
  if (filter_) Queue(filter_->Flush());
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  WritePending();
  while (waiting()) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return;
    struct pollfd pfd = {fd_, POLLOUT, 0};
    poll(&pfd, 1, static_cast<int>(left.count()));
    WritePending();
  }
}

}  // namespace umla::bridge

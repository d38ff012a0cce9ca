// Where the guest's main console (con0) goes when it is piped through `run`: the
// --console-log file, every byte as the guest wrote it, or the bridge's stderr. On a
// terminal it goes through TerminalFilter (guest text must not drive the user's
// terminal). Writes never block, so that the watch loop still sees the deadline and
// signals while a terminal is stopped (Ctrl-S) or a pipe is not read: what the
// destination does not take at once waits in a bounded buffer, written when poll(2)
// says it can take more; past the bound the guest's output is dropped, and a note
// says how much once there is room again.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "host-bridge/commands/nonblocking_output.h"
#include "host-bridge/watch/terminal_filter.h"

namespace umla::bridge {

class ConsoleSink {
 public:
  static constexpr size_t kMaxPending = 64 * 1024;

  // The log file at `path` (appended to), or stderr when `path` is empty: through a
  // file description of its own made non-blocking (O_NONBLOCK on fd 2 itself would
  // reach the shell that shares it).
  explicit ConsoleSink(const std::string& path);
  // Writes to `fd` (non-blocking, not owned), filtered when `for_terminal`. For tests.
  ConsoleSink(int fd, bool for_terminal, size_t max_pending = kMaxPending);
  ~ConsoleSink();
  ConsoleSink(const ConsoleSink&) = delete;
  ConsoleSink& operator=(const ConsoleSink&) = delete;

  bool ok() const { return !open_failed_; }  // else errno says why
  // Hands `text` on, or queues it, or drops it; never blocks.
  void Write(std::string_view text);
  // Writes what is queued as far as the destination takes it without blocking.
  void WritePending();
  // Whether output waits for the destination: poll fd() for POLLOUT, then WritePending().
  bool waiting() const { return fd_ >= 0 && !pending_.empty(); }
  int fd() const { return fd_; }
  // At the end: what the filter held back, then the queue, waiting at most `timeout_ms`.
  void Finish(int timeout_ms);

 private:
  void Queue(const std::string& text);  // or drop it, counting
  ssize_t WriteSome(const char* data, size_t size);
  int fd_ = -1;
  bool owned_ = false;
  bool open_failed_ = false;  // the log file (a closed stderr only means no output)
  std::unique_ptr<NonBlockingOutput> stderr_;  // when it writes to stderr
  std::unique_ptr<TerminalFilter> filter_;
  size_t max_pending_ = kMaxPending;
  std::string pending_;
  size_t dropped_ = 0;  // bytes dropped since the last note
};

}  // namespace umla::bridge

// Writing to stdout or stderr without ever blocking for good: a reader that stops
// reading (a pipe nobody drains, a terminal stopped with Ctrl-S) must not keep the
// bridge from its deadline and signals. ConsoleSink queues the guest's console that
// way; the bridge's own lines go through BoundedWriter.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <sys/types.h>

namespace umla::bridge {

// A description of `fd` of our own that does not block (O_NONBLOCK on the shared one
// would reach the shell that shares it): a regular file is used as it is (it never
// makes a write wait), a socket as it is with send(MSG_DONTWAIT), a terminal or pipe
// opened again through /proc/self/fd (without /proc: `fd` itself, blocking).
class NonBlockingOutput {
 public:
  explicit NonBlockingOutput(int fd);
  ~NonBlockingOutput();
  NonBlockingOutput(const NonBlockingOutput&) = delete;
  NonBlockingOutput& operator=(const NonBlockingOutput&) = delete;
  int fd() const { return fd_; }
  // write(2) or send(2): -1 with EAGAIN when it would block.
  ssize_t WriteSome(const char* data, size_t size) const;

 private:
  int fd_ = -1;
  bool owned_ = false;
  bool is_socket_ = false;
};

// Whole lines to `fd`, waiting for a slow reader a little (kMaxWaitMs) but never for
// one that has stopped: a line it does not take in that time is dropped, and so is
// every later line that would wait, until one goes out whole again. A full pipe costs
// a run about a second, not its --timeout, its signals or its guest's channel. A line
// is never cut: one partly written is finished before the next starts (or that one
// is dropped).
class BoundedWriter {
 public:
  static constexpr int kMaxWaitMs = 1000;
  explicit BoundedWriter(int fd) : out_(fd) {}
  ~BoundedWriter() { Flush(); }  // a line begun is finished if the reader lets it
  // Writes `line` and a newline. `always_wait`: waits its kMaxWaitMs even after a
  // stall (why a run failed must have its chance).
  void WriteLine(std::string_view line, bool always_wait = false);
  size_t dropped() const { return dropped_; }  // lines

 private:
  // Writes pending_ as far as the reader takes it; true once it is all out (or lost
  // to a reader that is gone).
  bool Flush(bool always_wait = false);
  NonBlockingOutput out_;
  std::string pending_;   // the rest of the line being written
  bool stalled_ = false;  // the reader took nothing for kMaxWaitMs: no waiting now
  size_t dropped_ = 0;
};

}  // namespace umla::bridge

// The agent's end of its UML console line (/dev/tty7 by default): opened
// non-blocking, put in raw mode so the tty neither echoes nor rewrites newlines, and
// written with a total time budget so a line nobody reads can never stall the boot.
#pragma once

#include <cstdint>
#include <string>

#include "agent/core/event_sink.h"

namespace umla::agent {

inline constexpr const char* kDefaultChannel = "/dev/tty7";

class ConsoleLine : public EventSink {
 public:
  // `budget_ms` bounds the time Send() and Close() together spend waiting for the
  // line (the time they do not wait is not counted).
  ConsoleLine(std::string device, uint64_t budget_ms);
  ~ConsoleLine() override;
  ConsoleLine(const ConsoleLine&) = delete;
  ConsoleLine& operator=(const ConsoleLine&) = delete;

  // Opens the line; when /dev/ttyN is missing (static /dev), creates it (char 4:N).
  Status Open();
  Status Send(std::string_view frame) override;
  // Waits (within the budget) for the tty to hand its output to the host, then
  // closes without blocking on undelivered output.
  void Close();

 private:
  int64_t RemainingMs() const;
  // Runs `wait` (a poll or sleep) and adds the time it took to waited_us_.
  template <typename Wait>
  auto Waiting(Wait wait);

  std::string device_;
  uint64_t budget_ms_;
  uint64_t waited_us_ = 0;
  int fd_ = -1;
  bool exhausted_ = false;
};

uint64_t MonotonicMicros();
uint64_t ClockMicros(int clock_id);  // CLOCK_REALTIME, CLOCK_BOOTTIME, ...

class SystemClock : public Clock {
 public:
  uint64_t NowMicros() override { return MonotonicMicros(); }
  uint64_t WallMicros() override;
};

}  // namespace umla::agent

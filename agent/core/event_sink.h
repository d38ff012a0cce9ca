// Where the agent's events go: the console line in a guest, a vector in tests.
#pragma once

#include <string_view>

#include "common/status.h"

namespace umla::agent {

class EventSink {
 public:
  virtual ~EventSink() = default;
  // Sends one encoded frame. Must return within the sink's time budget even when
  // nobody reads; a failure is reported, never retried forever.
  virtual Status Send(std::string_view frame) = 0;
};

class Clock {
 public:
  virtual ~Clock() = default;
  virtual uint64_t NowMicros() = 0;   // monotonic: durations
  virtual uint64_t WallMicros() = 0;  // realtime: stamped on events for the host
};

}  // namespace umla::agent

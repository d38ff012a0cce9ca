// What the host knows about one guest, fed by what arrives from it. Pure: no I/O.
// Everything from the guest is untrusted: frames are checked and bounded by the
// protocol decoder, repeats and reordering are dropped, and strings are sanitised
// before they reach a terminal.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "protocol/events.h"
#include "protocol/frame.h"

namespace umla::bridge {

enum class Stage { kStarting, kKernelUp, kAgentUp, kReady };
// Which stage never came when waiting stopped early: "kernel", "agent", "readiness".
const char* MissingStageName(Stage reached);

struct WatchOutput {
  // A human progress line ("guest: step fstab ok (3 changes, 812 us)").
  std::function<void(const std::string&)> progress;
  // Each accepted event as a JSON object (for --json).
  std::function<void(const nlohmann::json&)> event;
  // Host CLOCK_REALTIME in microseconds; when set, events stamped by the guest get
  // "host_latency_us" (receipt minus the guest's wall_us: detection latency).
  std::function<uint64_t()> wall_clock;
};

class GuestWatch {
 public:
  explicit GuestWatch(WatchOutput output) : output_(std::move(output)) {}

  void KernelUp(const std::string& detail);
  // Bytes from the agent's console line, in any chunking.
  void Feed(std::string_view bytes);
  // The channel closed: a cut final frame is reported as corrupt.
  void ChannelClosed();

  Stage stage() const { return stage_; }
  bool ready() const { return stage_ == Stage::kReady; }
  bool fatal() const { return fatal_.has_value(); }
  // 0 or 1 once ready or fatal; meaningless before.
  int ReadyExitCode() const;
  const std::optional<protocol::Ready>& ready_event() const { return ready_; }
  uint64_t corrupt_frames() const { return corrupt_frames_; }
  uint64_t dropped_frames() const { return dropped_frames_; }

 private:
  void Drain();
  void Accept(const protocol::Event& event);
  void Say(const std::string& line);

  WatchOutput output_;
  protocol::FrameReader reader_;
  Stage stage_ = Stage::kStarting;
  std::string boot_id_;
  uint64_t last_seq_ = 0;
  std::optional<protocol::Ready> ready_;
  // A step event of this boot said failed: ready is then not ok, whatever its "ok" says.
  bool step_failed_ = false;
  std::optional<std::string> fatal_;
  uint64_t corrupt_frames_ = 0;
  uint64_t dropped_frames_ = 0;
};

}  // namespace umla::bridge

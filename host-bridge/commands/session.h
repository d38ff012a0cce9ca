// What `run` and `wait` share: where progress and events go, reading the agent's
// channel into a GuestWatch, signal handling and the deadline.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "common/status.h"
#include "host-bridge/commands/nonblocking_output.h"
#include "host-bridge/watch/guest_watch.h"

namespace umla::bridge {

struct WatchOptions {
  double timeout_s = 120;
  bool json = false;   // events as JSON lines on stdout
  bool quiet = false;  // no progress lines on stderr
  int line = 7;        // the guest tty the agent reports on
};

class Session {
 public:
  explicit Session(const WatchOptions& options);
  ~Session();
  GuestWatch& watch() { return watch_; }
  // Output for one more guest watched by this process: progress lines are prefixed
  // with the label and JSON events carry "guest": label.
  WatchOutput OutputFor(const std::string& label);
  // Also hands every accepted event to `tap` (benchmarks measure latency with it).
  void SetEventTap(std::function<void(const nlohmann::json&)> tap) { tap_ = std::move(tap); }
  // Runs protocol::WarmUpEvents through a scratch watch, outputting nothing. The first event a
  // bridge handles otherwise pays for its code's first run (page faults, lazy symbol
  // binding: up to ~1 ms seen); call it while the guest boots so its hello does not.
  void WarmEventPath();
  // Reads what is available on the channel into `watch` (default: this session's
  // own); false once it is closed.
  bool PumpChannel(int fd);
  bool PumpChannel(int fd, GuestWatch& watch);
  // An fd that becomes readable on SIGINT, SIGTERM or SIGHUP.
  int signal_fd() const { return signal_fd_; }
  // Once signal_fd() is readable: the signal that came (taken off the queue).
  int ReadSignal() const;
  // Milliseconds left before the deadline (0 when passed).
  int RemainingMs() const;
  void Say(const std::string& line) const;  // a progress line on stderr
  // Why the command ends with a status other than 0 or 1: on stderr also under --quiet,
  // which silences progress, not the reason a script's wait failed.
  void Fail(const std::string& line) const;
  const WatchOptions& options() const { return options_; }
  // Also called with each progress line, even with --quiet (systemd STATUS=, see
  // run_notify.h).
  void set_progress_observer(std::function<void(const std::string&)> observer) {
    progress_observer_ = std::move(observer);
  }

 private:
  WatchOptions options_;
  std::function<void(const nlohmann::json&)> tap_;
  GuestWatch watch_;
  uint64_t deadline_us_;
  int signal_fd_ = -1;
  std::function<void(const std::string&)> progress_observer_;
  // The bridge's own lines: a caller that reads neither stream must not keep a run
  // past --timeout or from its signals (BoundedWriter).
  mutable BoundedWriter stderr_{2};
  BoundedWriter stdout_{1};
};

uint64_t NowMicros();

// Checks --timeout (more than 0, at most 86400 s, a finite number) and --line (1 to
// 63); the error names the option.
Status CheckWatchOptions(const WatchOptions& options);

}  // namespace umla::bridge
